import { describe, expect, it } from 'vitest';
import { extractPlaces, placeCore } from './place-entities.extract.ts';

const names = (text: string) => extractPlaces(text).places.map((p) => `${p.name}/${p.level}`);

describe('extractPlaces', () => {
  it('finds the compound after the city and district and keeps them as context', () => {
    const p = extractPlaces('投诉A市A2区丽发新城小区附近搅拌站噪音扰民');
    expect(p.places.map((x) => [x.name, x.core, x.level])).toEqual([['丽发新城小区', '丽发', 'community']]);
    expect([p.city, p.district]).toEqual(['A市', 'A2区']);
  });

  it('splits an address chain into road and compound', () => {
    expect(names('A5区劳动东路魅力之城小区油烟扰民')).toEqual(['劳动东路/road', '魅力之城小区/community']);
  });

  it('joins a compound written as two unit words', () => {
    expect(names('违反自由买卖的A市伊景园滨河苑车位捆绑销售行为')).toEqual(['伊景园滨河苑/community']);
  });

  it('finds institutions and the group of people they concern', () => {
    const p = extractPlaces('A市经济学院强制学生外出实习');
    expect(p.places.map((x) => x.name)).toEqual(['经济学院']);
    expect(p.groups).toEqual(['学生']);
  });

  it('records street and village levels', () => {
    const p = extractPlaces('A7县春华镇金鼎村自来水何时能到户');
    expect(names('A7县春华镇金鼎村自来水何时能到户')).toEqual(['春华镇/street', '金鼎村/community']);
    expect(p.street).toBe('春华镇');
  });

  it('cuts petition verbs off the front of a name', () => {
    expect(names('请A7县领导重视松雅安置小区夜宵店扰民问题')).toEqual(['松雅安置小区/community']);
  });

  it('does not take common words ending in a unit character for places', () => {
    expect(names('道路太窄，马路上都是车，城市管理要加强')).toEqual([]);
    expect(names('我们小区的物业不作为')).toEqual([]);
  });

  it('returns nothing for text without places and never throws on odd input', () => {
    expect(names('社保补缴后人才新政补贴会补发吗')).toEqual([]);
    expect(() => extractPlaces('')).not.toThrow();
    expect(() => extractPlaces('区区区市市县路路路小区小区')).not.toThrow();
    expect(() => extractPlaces('🙂'.repeat(100))).not.toThrow();
  });
});

describe('placeCore', () => {
  it('strips residential unit words so spellings of one compound meet', () => {
    expect(placeCore('丽发新城小区', 'community')).toBe('丽发');
    expect(placeCore('丽发小区', 'community')).toBe('丽发');
    expect(placeCore('绿地海外滩二期小区', 'community')).toBe('绿地海外滩');
  });

  it('keeps at least two characters and leaves other levels as written', () => {
    expect(placeCore('金城', 'community')).toBe('金城');
    expect(placeCore('涉外经济学院', 'institution')).toBe('涉外经济学院');
  });
});

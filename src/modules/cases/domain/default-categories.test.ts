import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { categoryMatchesPrefix, DEFAULT_CATEGORIES } from './default-categories.ts';

const TEDDY_CUP_FIRST_LEVELS = ['城乡建设', '环境保护', '交通运输', '教育文体', '劳动和社会保障', '商贸旅游', '卫生计生'];

describe('DEFAULT_CATEGORIES', () => {
  it('has between 60 and 120 entries with unique codes', () => {
    const codes = DEFAULT_CATEGORIES.map((c) => c.code);
    expect(codes.length).toBeGreaterThanOrEqual(60);
    expect(codes.length).toBeLessThanOrEqual(120);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('uses dotted two-digit paths of at most three levels', () => {
    for (const c of DEFAULT_CATEGORIES) expect(c.code).toMatch(/^\d{2}(\.\d{2}){0,2}$/);
  });

  it('lists every parent before its children and prefixes each child code with its parent code', () => {
    const seen = new Set<string>();
    for (const c of DEFAULT_CATEGORIES) {
      if (c.parentCode === null) {
        expect(c.code).not.toContain('.');
      } else {
        expect(seen.has(c.parentCode), `${c.code} parent ${c.parentCode}`).toBe(true);
        expect(c.code.startsWith(`${c.parentCode}.`)).toBe(true);
        expect(c.code.split('.').length).toBe(c.parentCode.split('.').length + 1);
      }
      seen.add(c.code);
    }
  });

  it('gives every entry a Chinese and an English name', () => {
    for (const c of DEFAULT_CATEGORIES) {
      expect(c.name.trim(), c.code).not.toBe('');
      expect(c.name).toMatch(/\p{Script=Han}/u);
      expect(c.nameEn.trim(), c.code).not.toBe('');
    }
  });

  it('keeps sibling names distinct so a picker never shows two identical choices', () => {
    const keys = DEFAULT_CATEGORIES.map((c) => `${c.parentCode ?? ''}/${c.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('contains the seven Teddy Cup first-level classes by exact name', () => {
    const roots = DEFAULT_CATEGORIES.filter((c) => c.parentCode === null).map((c) => c.name);
    for (const name of TEDDY_CUP_FIRST_LEVELS) expect(roots).toContain(name);
  });

  it('has the digital city-management event and component roots with their six classes each', () => {
    const childrenOf = (rootName: string): string[] => {
      const root = DEFAULT_CATEGORIES.find((c) => c.parentCode === null && c.name === rootName);
      expect(root, rootName).toBeDefined();
      return DEFAULT_CATEGORIES.filter((c) => c.parentCode === root?.code).map((c) => c.name);
    };
    expect(childrenOf('事件')).toEqual(['市容环境', '宣传广告', '施工管理', '突发事件', '街面秩序', '其他事件']);
    expect(childrenOf('部件')).toEqual(['公用设施', '道路交通', '市容环境', '园林绿化', '房屋土地', '其他设施']);
    const names = DEFAULT_CATEGORIES.map((c) => c.name);
    for (const leaf of ['路灯不亮', '井盖缺失', '占道经营', '暴露垃圾', '违规广告', '油烟扰民', '共享单车乱停放']) {
      expect(names).toContain(leaf);
    }
  });

  it('gives every second level at least one third-level child', () => {
    for (const c of DEFAULT_CATEGORIES.filter((x) => x.code.split('.').length === 2)) {
      expect(DEFAULT_CATEGORIES.some((x) => x.parentCode === c.code), c.code).toBe(true);
    }
  });
});

describe('categoryMatchesPrefix', () => {
  it('matches the prefix itself and its descendants only at segment boundaries', () => {
    expect(categoryMatchesPrefix('01.02.03', '01')).toBe(true);
    expect(categoryMatchesPrefix('01.02.03', '01.02')).toBe(true);
    expect(categoryMatchesPrefix('01.02', '01.02')).toBe(true);
    expect(categoryMatchesPrefix('01.02', '01.02.03')).toBe(false);
    expect(categoryMatchesPrefix('11.01', '1')).toBe(false);
    expect(categoryMatchesPrefix('01.12', '01.1')).toBe(false);
  });
});

const dir = process.env.CITYLOOP_REAL_DATA;
if (!dir) console.warn('skipped: CITYLOOP_REAL_DATA not set');

describe.skipIf(!dir)('DEFAULT_CATEGORIES against the Teddy Cup category tree', () => {
  it('uses first levels 01–07 in the order and spelling of the competition file', () => {
    const csv = readFileSync(join(dir ?? '', 'teddycup2020_gov_messages', 'attachment1_category_tree.csv'), 'utf8');
    const firstLevels = new Set(csv.split(/\r?\n/).slice(1).map((line) => line.split(',')[0]).filter((x) => x));
    for (const name of TEDDY_CUP_FIRST_LEVELS) expect(firstLevels.has(name), name).toBe(true);
    const ours = DEFAULT_CATEGORIES.filter((c) => c.parentCode === null).slice(0, 7).map((c) => c.name);
    expect(ours).toEqual(TEDDY_CUP_FIRST_LEVELS);
  });
});

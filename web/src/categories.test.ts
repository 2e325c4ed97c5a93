import { describe, expect, it } from 'vitest';
import { categoryOptions, optionsWith } from './categories.ts';

const TREE = [
  { code: '02', name: '环境保护', nameEn: 'Environment', parentCode: null },
  { code: '02.01', name: '环境污染', nameEn: 'Pollution', parentCode: '02' },
  { code: '02.01.01', name: '噪音污染', nameEn: 'Noise', parentCode: '02.01' },
  { code: '02.01.02', name: '大气污染', parentCode: '02.01' },
  { code: '02.01.03', name: '停用分类', parentCode: '02.01', active: false },
  { code: '01', name: '城市管理', parentCode: null },
];

describe('category picker', () => {
  it('offers active leaves only, with their full path, in code order', () => {
    expect(categoryOptions(TREE, 'zh-CN')).toEqual([
      { code: '01', label: '01 城市管理' },
      { code: '02.01.01', label: '02.01.01 环境保护 / 环境污染 / 噪音污染' },
      { code: '02.01.02', label: '02.01.02 环境保护 / 环境污染 / 大气污染' },
    ]);
  });

  it('uses English names where a category has one, Chinese otherwise', () => {
    expect(categoryOptions(TREE, 'en').map((o) => o.label)).toEqual(['01 城市管理', '02.01.01 Environment / Pollution / Noise', '02.01.02 Environment / Pollution / 大气污染']);
  });
});

describe('category picker with a chosen non-leaf', () => {
  it('adds the chosen category with its full path, in code order', () => {
    const options = categoryOptions(TREE, 'zh-CN');
    expect(optionsWith(options, TREE, 'zh-CN', '02.01').map((o) => o.label)).toEqual(['01 城市管理', '02.01 环境保护 / 环境污染', '02.01.01 环境保护 / 环境污染 / 噪音污染', '02.01.02 环境保护 / 环境污染 / 大气污染']);
    expect(optionsWith(options, TREE, 'zh-CN', '02.01.01')).toBe(options);
    expect(optionsWith(options, TREE, 'zh-CN', '')).toBe(options);
    expect(optionsWith(options, TREE, 'zh-CN', '99.01', '未知').at(-1)).toEqual({ code: '99.01', label: '99.01 未知' });
  });
});

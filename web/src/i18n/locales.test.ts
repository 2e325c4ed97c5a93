import { describe, expect, it } from 'vitest';
import { zhCN } from './zh-CN.ts';
import { en } from './en.ts';

function keys(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function leaves(o: Record<string, unknown>): string[] {
  return Object.values(o).flatMap((v) => (typeof v === 'object' && v !== null ? leaves(v as Record<string, unknown>) : [String(v)]));
}

describe('console strings', () => {
  it('has every key in both languages', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });

  it('uses the same interpolation placeholders in both languages', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const zhKeys = keys(zhCN);
    const get = (o: Record<string, unknown>, path: string) => path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], o) as string;
    for (const k of zhKeys) expect(placeholders(get(en, k)), k).toEqual(placeholders(get(zhCN, k)));
  });

  it('writes English strings without Chinese characters and Chinese strings with them', () => {
    expect(leaves(en).filter((s) => /[\u4e00-\u9fff]/.test(s))).toEqual([]);
    expect(leaves(zhCN).filter((s) => /[\u4e00-\u9fff]/.test(s)).length).toBeGreaterThan(leaves(zhCN).length * 0.8);
  });
});

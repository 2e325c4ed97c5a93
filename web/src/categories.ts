import type { Category } from './types.ts';

/** Leaf categories with their full path, for the picker. */
export function categoryOptions(items: Category[], lang: string): Array<{ code: string; label: string }> {
  const byCode = new Map(items.map((c) => [c.code, c]));
  const parents = new Set(items.map((c) => c.parentCode).filter(Boolean));
  const label = (c: Category): string => {
    const own = lang === 'en' && c.nameEn ? c.nameEn : c.name;
    const parent = c.parentCode ? byCode.get(c.parentCode) : undefined;
    return parent ? `${label(parent)} / ${own}` : own;
  };
  return items.filter((c) => c.active !== false && !parents.has(c.code)).map((c) => ({ code: c.code, label: `${c.code} ${label(c)}` })).sort((a, b) => a.code.localeCompare(b.code));
}


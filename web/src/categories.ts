import type { Category } from './types.ts';

function labeller(items: Category[], lang: string): (c: Category) => string {
  const byCode = new Map(items.map((c) => [c.code, c]));
  const label = (c: Category): string => {
    const own = lang === 'en' && c.nameEn ? c.nameEn : c.name;
    const parent = c.parentCode ? byCode.get(c.parentCode) : undefined;
    return parent ? `${label(parent)} / ${own}` : own;
  };
  return label;
}

/** Leaf categories with their full path, for the picker. */
export function categoryOptions(items: Category[], lang: string): Array<{ code: string; label: string }> {
  const label = labeller(items, lang);
  const parents = new Set(items.map((c) => c.parentCode).filter(Boolean));
  return items.filter((c) => c.active !== false && !parents.has(c.code)).map((c) => ({ code: c.code, label: `${c.code} ${label(c)}` })).sort((a, b) => a.code.localeCompare(b.code));
}

/**
 * The picker's options with `code` among them: a chosen category that is not a leaf (a suggestion
 * may be a second-level code) is added with its full path, so the picker shows what is submitted.
 */
export function optionsWith(options: Array<{ code: string; label: string }>, items: Category[], lang: string, code: string, fallbackName?: string): Array<{ code: string; label: string }> {
  if (!code || options.some((o) => o.code === code)) return options;
  const c = items.find((x) => x.code === code);
  const label = c ? `${code} ${labeller(items, lang)(c)}` : `${code}${fallbackName ? ` ${fallbackName}` : ''}`;
  return [...options, { code, label }].sort((a, b) => a.code.localeCompare(b.code));
}

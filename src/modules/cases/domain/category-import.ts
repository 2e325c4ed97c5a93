import { parse } from 'csv-parse/sync';
import type { Category, CategoryTree } from './category-tree.ts';

export interface CategoryImportRow {
  code: string;
  name: string;
  nameEn: string;
  parentCode: string | null;
}

const LEVEL_HEADERS = [
  ['一级分类', 'level1'],
  ['二级分类', 'level2'],
  ['三级分类', 'level3'],
  ['四级分类', 'level4'],
];

/**
 * Read a category CSV in either of two shapes:
 *  - `code,name[,name_en][,parent_code]` — explicit dotted codes;
 *  - one column per level (`一级分类,二级分类,三级分类` as in the Teddy Cup tree, or `level1,level2,…`) —
 *    names are matched against the existing tree level by level, and new names get the next free
 *    two-digit code under their parent, so re-importing the same file changes nothing.
 */
export function parseCategoryCsv(text: string, tree: CategoryTree): { items: CategoryImportRow[]; errors: Array<{ row: number; reason: string }> } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (err) {
    return { items: [], errors: [{ row: 0, reason: `CSV cannot be parsed: ${(err as Error).message}` }] };
  }
  const header = (records.shift() ?? []).map((h) => h.toLowerCase());
  const errors: Array<{ row: number; reason: string }> = [];
  const items: CategoryImportRow[] = [];
  if (header.includes('code') && header.includes('name')) {
    const at = (r: string[], n: string) => (header.indexOf(n) >= 0 ? (r[header.indexOf(n)] ?? '') : '');
    records.forEach((r, i) => {
      const code = at(r, 'code');
      const name = at(r, 'name');
      if (!code || !name) {
        errors.push({ row: i + 1, reason: 'code and name are required' });
        return;
      }
      const parent = at(r, 'parent_code') || (code.includes('.') ? code.slice(0, code.lastIndexOf('.')) : '');
      items.push({ code, name, nameEn: at(r, 'name_en'), parentCode: parent || null });
    });
    return { items, errors };
  }
  const levelCols = LEVEL_HEADERS.map((names) => header.findIndex((h) => names.includes(h))).filter((i) => i >= 0);
  if (levelCols.length === 0) return { items, errors: [{ row: 0, reason: 'header must be code,name[,name_en,parent_code] or 一级分类,二级分类,…' }] };
  // Names → codes, seeded from the existing tree, extended as new names appear.
  const childrenOf = new Map<string | null, Map<string, string>>();
  const nextSeq = new Map<string | null, number>();
  const remember = (c: Pick<Category, 'code' | 'name' | 'parentCode'>) => {
    const m = childrenOf.get(c.parentCode) ?? new Map<string, string>();
    m.set(c.name, c.code);
    childrenOf.set(c.parentCode, m);
    const last = Number(c.code.split('.').pop());
    if (Number.isInteger(last)) nextSeq.set(c.parentCode, Math.max(nextSeq.get(c.parentCode) ?? 0, last));
  };
  for (const c of tree.all()) remember(c);
  records.forEach((r, i) => {
    const names = levelCols.map((col) => (r[col] ?? '').trim()).filter(Boolean);
    if (names.length === 0) {
      errors.push({ row: i + 1, reason: 'no category name in this row' });
      return;
    }
    let parent: string | null = null;
    for (const name of names) {
      if (name.length > 100) {
        errors.push({ row: i + 1, reason: `name longer than 100 characters: ${name.slice(0, 20)}…` });
        return;
      }
      let code: string | undefined = childrenOf.get(parent)?.get(name);
      if (!code) {
        const seq: number = (nextSeq.get(parent) ?? 0) + 1;
        code = `${parent ? `${parent}.` : ''}${String(seq).padStart(2, '0')}`;
        remember({ code, name, parentCode: parent });
        items.push({ code, name, nameEn: '', parentCode: parent });
      }
      parent = code;
    }
  });
  return { items, errors };
}

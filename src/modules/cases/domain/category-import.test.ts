import { describe, expect, it } from 'vitest';
import { CategoryTree } from './category-tree.ts';
import { parseCategoryCsv } from './category-import.ts';

const tree = new CategoryTree([
  { code: '01', name: '城乡建设', nameEn: 'Urban', parentCode: null, active: true },
  { code: '01.01', name: '住房保障', nameEn: '', parentCode: '01', active: true },
  { code: '02', name: '环境保护', nameEn: '', parentCode: null, active: true },
]);

describe('category CSV import', () => {
  it('maps level columns onto the existing tree and numbers new names after the last code', () => {
    const { items, errors } = parseCategoryCsv('一级分类,二级分类,三级分类\n城乡建设,住房保障,物业服务\n城乡建设,安全生产,安全隐患\n交通运输,公路,路面破损\n', tree);
    expect(errors).toEqual([]);
    expect(items).toEqual([
      { code: '01.01.01', name: '物业服务', nameEn: '', parentCode: '01.01' },
      { code: '01.02', name: '安全生产', nameEn: '', parentCode: '01' },
      { code: '01.02.01', name: '安全隐患', nameEn: '', parentCode: '01.02' },
      { code: '03', name: '交通运输', nameEn: '', parentCode: null },
      { code: '03.01', name: '公路', nameEn: '', parentCode: '03' },
      { code: '03.01.01', name: '路面破损', nameEn: '', parentCode: '03.01' },
    ]);
  });

  it('reads explicit codes and reports rows without a name', () => {
    const { items, errors } = parseCategoryCsv('code,name,name_en\n05,劳动,Labour\n05.01,,\n', tree);
    expect(items).toEqual([{ code: '05', name: '劳动', nameEn: 'Labour', parentCode: null }]);
    expect(errors).toEqual([{ row: 2, reason: 'code and name are required' }]);
  });

  it('gives nothing new when the file only repeats what exists', () => {
    expect(parseCategoryCsv('一级分类,二级分类\n城乡建设,住房保障\n', tree).items).toEqual([]);
  });
});

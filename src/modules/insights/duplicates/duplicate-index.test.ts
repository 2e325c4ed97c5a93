import { describe, expect, it } from 'vitest';
import { DuplicateIndex, type IndexedCase } from './duplicate-index.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-12-01T02:00:00Z');
let seq = 0;
const mk = (over: Partial<IndexedCase>): IndexedCase => {
  seq++;
  return {
    caseId: `cas_${String(seq).padStart(26, '0')}`, number: `2026120100${String(seq).padStart(2, '0')}`, title: '幸福路路灯不亮', text: '幸福路与人民路交叉口的路灯晚上不亮，行人很危险',
    categoryCode: '12.01.01', state: 'dispatched', lng: 120.1, lat: 30.1, receivedAt: new Date(T0).toISOString(), ...over,
  };
};
const query = { title: '人民路口路灯不亮', text: '人民路和幸福路交叉口路灯晚上不亮，很危险', lng: 120.1005, lat: 30.1005, at: T0 + DAY, categoryCode: '12.01.01' };

describe('DuplicateIndex', () => {
  it('finds the same matter near the same place within the window, with distance and similarity', () => {
    const idx = new DuplicateIndex();
    const near = mk({});
    idx.add(near);
    idx.add(mk({ lng: 120.11, lat: 30.1 })); // ~960 m away: outside the street-light radius
    idx.add(mk({ receivedAt: new Date(T0 - 10 * DAY).toISOString() })); // older than 7 days
    idx.add(mk({ title: '公司拖欠工资', text: '公司三个月没有发工资', categoryCode: '05.02.01' })); // same place, other matter
    const found = idx.related(query);
    expect(found.map((c) => c.caseId)).toEqual([near.caseId]);
    expect(found[0]).toMatchObject({ number: near.number, state: 'dispatched', categoryCode: '12.01.01', receivedAt: near.receivedAt, likelyDuplicate: true });
    expect(found[0]!.distanceM).toBeGreaterThan(50);
    expect(found[0]!.distanceM).toBeLessThan(100);
  });

  it('shows a nearby case of the same category even when worded differently', () => {
    const idx = new DuplicateIndex();
    const other = mk({ title: '灯坏了', text: '晚上黑漆漆的，灯坏了' });
    idx.add(other);
    const found = idx.related(query);
    expect(found.map((c) => c.caseId)).toEqual([other.caseId]);
    expect(found[0]!.likelyDuplicate).toBe(false);
  });

  it('matches cases without a place on text alone within the category family', () => {
    const idx = new DuplicateIndex();
    const noPlace = mk({ lng: null, lat: null });
    idx.add(noPlace);
    idx.add(mk({ lng: null, lat: null, categoryCode: '05.02.01' }));
    expect(idx.related({ ...query, lng: null, lat: null }).map((c) => c.caseId)).toEqual([noPlace.caseId]);
    expect(idx.related(query).map((c) => c.distanceM)).toEqual([null]);
  });

  it('keeps state and category current and answers for an indexed case', () => {
    const idx = new DuplicateIndex();
    const a = mk({});
    const b = mk({ receivedAt: new Date(T0 + DAY).toISOString() });
    idx.add(a);
    idx.add(b);
    expect(idx.update(a.caseId, { state: 'closed' })).toBe(true);
    expect(idx.update('cas_unknown', { state: 'closed' })).toBe(false);
    const rel = idx.relatedTo(b.caseId)!;
    expect(rel.map((c) => [c.caseId, c.state])).toEqual([[a.caseId, 'closed']]);
    expect(idx.relatedTo('cas_nope')).toBeNull();
    idx.add({ ...a, state: 'merged' });
    expect(idx.size).toBe(2);
    expect(idx.relatedTo(b.caseId)![0]!.state).toBe('merged');
  });

  it('moves a case to its new category family when recategorised', () => {
    const idx = new DuplicateIndex();
    const a = mk({ lng: null, lat: null, categoryCode: '05.02.01' });
    idx.add(a);
    expect(idx.related({ ...query, lng: null, lat: null })).toEqual([]);
    idx.update(a.caseId, { categoryCode: '12.01.01' });
    expect(idx.related({ ...query, lng: null, lat: null }).map((c) => c.caseId)).toEqual([a.caseId]);
  });

  it('drops cases past every window and keeps answering after compaction', () => {
    const idx = new DuplicateIndex();
    const old = mk({ receivedAt: new Date(T0 - 100 * DAY).toISOString() });
    const recent = mk({});
    idx.add(old);
    for (let i = 0; i < 3000; i++) idx.add(mk({ lng: 120.5 + i * 0.001, receivedAt: new Date(T0 - (i % 50) * DAY).toISOString() }));
    idx.add(recent);
    const before = idx.size;
    const dropped = idx.prune(T0);
    expect(dropped).toBeGreaterThan(0);
    expect(idx.size).toBe(before - dropped);
    expect(idx.has(old.caseId)).toBe(false);
    expect(idx.has(recent.caseId)).toBe(true);
    expect(idx.related(query).map((c) => c.caseId)).toEqual([recent.caseId]);
    expect(idx.memoryBytes()).toBeGreaterThan(0);
  });

  it('keeps ids it can hold and refuses the others', () => {
    const idx = new DuplicateIndex();
    expect(idx.add(mk({ caseId: 'x'.repeat(41) }))).toBe(false);
    expect(idx.add(mk({ caseId: '工单1' }))).toBe(false);
    expect(idx.add(mk({ receivedAt: 'not a date' }))).toBe(false);
    const odd = mk({ number: '00123' });
    expect(idx.add(odd)).toBe(true);
    expect(idx.relatedTo(mk({}).caseId)).toBeNull();
    expect(idx.related(query)[0]!.number).toBe('00123');
  });

  it('finds nothing for empty text', () => {
    const idx = new DuplicateIndex();
    idx.add(mk({}));
    expect(idx.related({ ...query, title: '', text: '' })).toEqual([]);
  });
});

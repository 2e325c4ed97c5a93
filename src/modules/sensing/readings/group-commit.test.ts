import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

describe('group commit', () => {
  it('gathers concurrent writes into one commit and resolves each only after it', async () => {
    const commits: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const gc = new GroupCommit<number>(async (items) => {
      commits.push(items);
      if (commits.length === 1) await gate;
    }, { lingerMs: 0, maxItems: 100 });
    const done: string[] = [];
    const p1 = gc.write([1]).then(() => done.push('1'));
    const p2 = gc.write([2, 3]).then(() => done.push('2'));
    const p3 = gc.write([4]).then(() => done.push('3'));
    await Promise.resolve();
    expect(done).toEqual([]);
    release();
    await Promise.all([p1, p2, p3]);
    // The first commit started alone; the two writes queued behind it shared the second.
    expect(commits).toEqual([[1], [2, 3, 4]]);
    expect(done).toEqual(['1', '2', '3']);
  });

  it('rejects the writers of a failed commit (nothing acked) and keeps working', async () => {
    let fail = true;
    const stored: number[] = [];
    const gc = new GroupCommit<number>(async (items) => {
      if (fail) throw new Error('disk full');
      stored.push(...items);
    }, { lingerMs: 0, maxItems: 100 });
    await expect(gc.write([1])).rejects.toThrow('disk full');
    fail = false;
    await gc.write([2]);
    expect(stored).toEqual([2]);
  });

  it('splits large queues but settles a writer only when all its items are in', async () => {
    const commits: number[][] = [];
    const gc = new GroupCommit<number>(async (items) => {
      commits.push(items);
    }, { lingerMs: 1, maxItems: 2 });
    await Promise.all([gc.write([1, 2, 3]), gc.write([4])]);
    expect(commits).toEqual([[1, 2], [3, 4]]);
    await gc.close();
    await expect(gc.write([5])).rejects.toThrow('closed');
  });
});

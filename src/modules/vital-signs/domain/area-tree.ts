import { AREA_LEVELS, type AreaLevel } from '../../places/index.ts';

/** An area as the index sees it: a places area, or an attribute area of vitals' own. */
export interface TreeArea {
  id: string;
  code: string;
  name: string;
  level: AreaLevel;
  parentId: string | null;
}

/**
 * Areas by dense index, with each area's lineage (itself up to its root) precomputed, so adding a
 * ledger row to every level above its area is a loop over a small array. Several roots may coexist
 * (the city of places, and attribute areas such as NYC boroughs).
 */
export class AreaTree {
  readonly areas: readonly TreeArea[];
  readonly levels: Uint8Array;
  private readonly byId = new Map<string, number>();
  private readonly byCodeMap = new Map<string, number>();
  private readonly lineages: Int32Array[];
  private readonly kids: number[][];

  constructor(list: readonly TreeArea[]) {
    this.areas = list;
    this.levels = new Uint8Array(list.length);
    list.forEach((a, i) => {
      this.byId.set(a.id, i);
      if (!this.byCodeMap.has(a.code)) this.byCodeMap.set(a.code, i);
      this.levels[i] = (AREA_LEVELS as readonly string[]).indexOf(a.level);
    });
    this.kids = list.map(() => []);
    const parent = list.map((a) => (a.parentId === null ? -1 : (this.byId.get(a.parentId) ?? -1)));
    parent.forEach((p, i) => {
      if (p >= 0) this.kids[p]!.push(i);
    });
    this.lineages = list.map((_, i) => {
      const up: number[] = [];
      // The places tree has no cycles; the bound only keeps a corrupt input from looping.
      for (let j = i; j >= 0 && up.length < 16; j = parent[j]!) up.push(j);
      return Int32Array.from(up);
    });
  }

  get size(): number {
    return this.areas.length;
  }

  /** Dense index of an area id, or -1. */
  indexOf(id: string): number {
    return this.byId.get(id) ?? -1;
  }

  /** An area by id or code. */
  find(idOrCode: string): TreeArea | null {
    const i = this.byId.get(idOrCode) ?? this.byCodeMap.get(idOrCode);
    return i === undefined ? null : this.areas[i]!;
  }

  /** The area and its ancestors as dense indexes, itself first. */
  lineage(index: number): Int32Array {
    return this.lineages[index] ?? new Int32Array(0);
  }

  /** Direct children, in input order. */
  children(index: number): readonly number[] {
    return this.kids[index] ?? [];
  }

  /** The area and everything below it (dense indexes). */
  subtree(index: number): number[] {
    const out: number[] = [];
    const stack = [index];
    while (stack.length) {
      const i = stack.pop()!;
      out.push(i);
      for (const k of this.children(i)) stack.push(k);
    }
    return out;
  }

  /** Areas without a parent. */
  roots(): TreeArea[] {
    return this.areas.filter((a) => a.parentId === null || !this.byId.has(a.parentId));
  }
}

/**
 * In-memory index of the area tree: point → smallest containing area, plus tree navigation.
 * Built once from all areas (thousands, not millions) and then read-only; rebuild on change.
 */
import Flatbush from 'flatbush';
import { AppError } from '../../../platform/errors/app-error.ts';
import { canContain, isAreaLevel, levelDepth, validateGeometry, type AreaRecord } from './area.ts';
import { compileGeometry, containsPoint, type CompiledGeometry } from './point-in-polygon.ts';

/** One reason the records do not form a valid tree. */
export interface AreaTreeProblem {
  id: string;
  code: string;
  zh: string;
  en: string;
}

/**
 * Read-only index over areas. Boundary rule: half-open (see point-in-polygon.ts) — a point on an
 * edge shared by two grids belongs to exactly one of them; a point on the outer east/north edge
 * of the whole city may fall outside it.
 */
export class AreaIndex {
  private readonly areas: readonly AreaRecord[];
  private readonly byIdMap = new Map<string, number>();
  private readonly byCodeMap = new Map<string, number>();
  private readonly parentOf: Int32Array;
  private readonly childrenOf: number[][];
  // One R-tree per level, deepest first: most points end in the grid tree and never search the
  // big district/city boxes. With node size 4 this halved locate time on the bench city
  // (~750 → ~370 ns) against one default tree over all levels.
  private readonly levels: LevelTree[];

  /** Builds the index; throws AppError PLACES_INVALID_AREA_TREE listing every problem found. */
  constructor(areas: readonly AreaRecord[]) {
    this.areas = [...areas]; // the caller may reuse its array; the index must not change under it
    const problems: AreaTreeProblem[] = [];
    const report = (a: AreaRecord, zh: string, en: string): void => {
      problems.push({ id: a.id, code: a.code, zh, en });
    };
    areas.forEach((a, i) => {
      if (this.byIdMap.has(a.id)) report(a, `区域 ID 重复：${a.id}`, `duplicate area id ${a.id}`);
      else this.byIdMap.set(a.id, i);
      if (this.byCodeMap.has(a.code)) report(a, `区域编码重复：${a.code}`, `duplicate area code ${a.code}`);
      else this.byCodeMap.set(a.code, i);
      if (!isAreaLevel(a.level)) report(a, `未知区域层级：${String(a.level)}`, `unknown area level ${String(a.level)}`);
    });

    this.parentOf = new Int32Array(areas.length).fill(-1);
    this.childrenOf = areas.map(() => []);
    const compiled: Array<{ area: number; geometry: CompiledGeometry; depth: number; size: number }> = [];
    areas.forEach((a, i) => {
      if (a.parentId !== null) {
        const p = this.byIdMap.get(a.parentId);
        const parent = p === undefined ? undefined : areas[p];
        if (p === undefined || parent === undefined) {
          report(a, `上级区域不存在：${a.parentId}`, `parent area ${a.parentId} does not exist`);
        } else if (isAreaLevel(a.level) && isAreaLevel(parent.level) && !canContain(parent.level, a.level)) {
          // Strictly deeper children also rule out cycles, so no separate cycle check is needed.
          report(a, `层级 ${a.level} 不能隶属于 ${parent.level}（${parent.code}）`,
            `level ${a.level} cannot sit under ${parent.level} (${parent.code})`);
        } else {
          this.parentOf[i] = p;
          this.childrenOf[p]?.push(i);
        }
      }
      if (a.boundary !== null) {
        const checked = validateGeometry(a.boundary);
        if (!checked.ok) {
          const first = checked.problems[0];
          report(a, `边界无效：${first?.path} ${first?.zh}`, `invalid boundary: ${first?.path} ${first?.en}`);
        } else if (isAreaLevel(a.level)) {
          const geometry = compileGeometry(checked.geometry);
          const [x0, y0, x1, y1] = geometry.bbox;
          compiled.push({ area: i, geometry, depth: levelDepth(a.level), size: (x1 - x0) * (y1 - y0) });
        }
      }
    });
    if (problems.length > 0) {
      throw new AppError({
        code: 'PLACES_INVALID_AREA_TREE',
        status: 400,
        zh: `区域树无效（${problems.length} 处问题），首个：${problems[0]?.code} ${problems[0]?.zh}`,
        en: `invalid area tree (${problems.length} problems), first: ${problems[0]?.code} ${problems[0]?.en}`,
        details: { problems },
      });
    }
    for (const list of this.childrenOf) list.sort((x, y) => compareCodes(areas[x], areas[y]));

    compiled.sort((x, y) => y.depth - x.depth || x.size - y.size || compareCodes(areas[x.area], areas[y.area]));
    this.levels = [];
    for (let start = 0; start < compiled.length;) {
      let end = start;
      while (end < compiled.length && compiled[end]?.depth === compiled[start]?.depth) end++;
      const items = compiled.slice(start, end);
      const tree = new Flatbush(items.length, 4);
      for (const { geometry } of items) tree.add(...geometry.bbox);
      tree.finish();
      this.levels.push({ tree, area: Int32Array.from(items, (c) => c.area), geometry: items.map((c) => c.geometry) });
      start = end;
    }
  }

  /** Number of areas in the index. */
  get size(): number {
    return this.areas.length;
  }

  /** The area with this id, or null. */
  get(id: string): AreaRecord | null {
    const i = this.byIdMap.get(id);
    return i === undefined ? null : (this.areas[i] ?? null);
  }

  /** The area with this code, or null. */
  byCode(code: string): AreaRecord | null {
    const i = this.byCodeMap.get(code);
    return i === undefined ? null : (this.areas[i] ?? null);
  }

  /** Direct children ordered by code; [] for a leaf or an unknown id. */
  children(id: string): AreaRecord[] {
    const i = this.byIdMap.get(id);
    return i === undefined ? [] : this.pick(this.childrenOf[i] ?? []);
  }

  /** Ancestors from the parent up to the root; [] for a root or an unknown id. */
  ancestors(id: string): AreaRecord[] {
    const out: AreaRecord[] = [];
    const i = this.byIdMap.get(id);
    if (i === undefined) return out;
    for (let p = this.parentOf[i] as number; p !== -1; p = this.parentOf[p] as number) out.push(this.areas[p] as AreaRecord);
    return out;
  }

  /** All areas below this one (not itself), breadth-first: nearer generations first, siblings by code. */
  descendants(id: string): AreaRecord[] {
    const i = this.byIdMap.get(id);
    if (i === undefined) return [];
    const order = [...(this.childrenOf[i] ?? [])];
    for (let k = 0; k < order.length; k++) order.push(...(this.childrenOf[order[k] as number] ?? []));
    return this.pick(order);
  }

  /** True when `id` is `ancestorId` or lies below it; walks parent pointers, O(depth). */
  isWithin(id: string, ancestorId: string): boolean {
    const target = this.byIdMap.get(ancestorId);
    let i = this.byIdMap.get(id);
    if (target === undefined || i === undefined) return false;
    for (; i !== -1; i = this.parentOf[i] as number) if (i === target) return true;
    return false;
  }

  /** The deepest-level area whose boundary contains the point (ties: smaller bbox, then code); null outside all. */
  locate(lng: number, lat: number): AreaRecord | null {
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) return null;
    for (const level of this.levels) {
      const hits = level.tree.search(lng, lat, lng, lat);
      // Items were added smallest bbox first, so item order is test order. Hits are a handful
      // (bbox-overlapping neighbours): insertion sort beats Array#sort here.
      for (let k = 1; k < hits.length; k++) {
        const v = hits[k] as number;
        let j = k - 1;
        while (j >= 0 && (hits[j] as number) > v) {
          hits[j + 1] = hits[j] as number;
          j--;
        }
        hits[j + 1] = v;
      }
      for (const item of hits) {
        if (containsPoint(level.geometry[item] as CompiledGeometry, lng, lat)) {
          return this.areas[level.area[item] as number] as AreaRecord;
        }
      }
    }
    return null;
  }

  /** The located area followed by its ancestors up to the root (by parent pointers); [] outside all. */
  locateAll(lng: number, lat: number): AreaRecord[] {
    const found = this.locate(lng, lat);
    return found === null ? [] : [found, ...this.ancestors(found.id)];
  }

  private pick(indices: readonly number[]): AreaRecord[] {
    return indices.map((k) => this.areas[k] as AreaRecord);
  }
}

interface LevelTree {
  tree: Flatbush;
  /** Item number → index into areas. */
  area: Int32Array;
  geometry: CompiledGeometry[];
}

function compareCodes(a: AreaRecord | undefined, b: AreaRecord | undefined): number {
  const x = a?.code ?? '';
  const y = b?.code ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

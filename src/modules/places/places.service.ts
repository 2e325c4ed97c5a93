import type { Clock } from '../../platform/clock/clock.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import { newId } from '../../platform/ids/ids.ts';
import { AreaIndex } from './domain/area-index.ts';
import { canContain, isAreaLevel, validateGeometry, type AreaGeometry, type AreaLevel, type AreaRecord } from './domain/area.ts';
import type { AreaImportReport, AreaInput, AreaSummary, PlacesApi } from './places.api.ts';
import { PLACES_EVENTS } from './places.events.ts';
import type { PlacesRepository } from './places.repository.ts';

const summary = (a: AreaRecord): AreaSummary => ({ id: a.id, code: a.code, name: a.name, level: a.level, parentId: a.parentId });

/** Keeps every area in memory behind a spatial index; the table is the source of truth. */
export class PlacesService implements PlacesApi {
  private index = new AreaIndex([]);
  private summaries = new Map<string, AreaSummary>();
  private rootArea: AreaSummary | null = null;

  constructor(
    private readonly repo: PlacesRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** (Re)load all areas from the database and rebuild the index. */
  async load(): Promise<void> {
    this.setIndex(await this.repo.all());
  }

  private setIndex(records: AreaRecord[], built?: AreaIndex): void {
    this.index = built ?? new AreaIndex(records);
    this.summaries = new Map(records.map((r) => [r.id, summary(r)]));
    this.rootArea = [...this.summaries.values()].find((a) => a.parentId === null) ?? null;
  }

  locate(lng: number, lat: number): AreaSummary | null {
    const a = this.index.locate(lng, lat);
    return a ? (this.summaries.get(a.id) ?? null) : null;
  }

  getArea(id: string): AreaSummary | null {
    return this.summaries.get(id) ?? null;
  }

  getAreaByCode(code: string): AreaSummary | null {
    const a = this.index.byCode(code);
    return a ? (this.summaries.get(a.id) ?? null) : null;
  }

  lineage(id: string): AreaSummary[] {
    const self = this.summaries.get(id);
    if (!self) return [];
    const up = this.index.ancestors(id).map((a) => this.summaries.get(a.id)).filter((a): a is AreaSummary => !!a);
    return up[0]?.id === id ? up : [self, ...up];
  }

  isWithin(id: string, ancestorId: string): boolean {
    return id === ancestorId || this.index.isWithin(id, ancestorId);
  }

  subtreeIds(id: string): string[] {
    if (!this.summaries.has(id)) return [];
    return [id, ...this.index.descendants(id).map((a) => a.id)];
  }

  listAreas(filter: { level?: AreaLevel; parentId?: string } = {}): AreaSummary[] {
    const source = filter.parentId !== undefined ? this.index.children(filter.parentId).map(summary) : [...this.summaries.values()];
    return source.filter((a) => !filter.level || a.level === filter.level).sort((a, b) => a.code.localeCompare(b.code));
  }

  boundaryOf(id: string): AreaGeometry | null {
    return this.index.get(id)?.boundary ?? null;
  }

  root(): AreaSummary | null {
    return this.rootArea;
  }

  count(): number {
    return this.summaries.size;
  }

  async importAreas(inputs: readonly AreaInput[]): Promise<AreaImportReport> {
    const report: AreaImportReport = { created: 0, updated: 0, unchanged: 0, errors: [] };
    const current = await this.repo.all();
    const byCode = new Map(current.map((a) => [a.code, a]));
    const next = new Map(byCode);
    const changed: Array<{ record: AreaRecord; exists: boolean }> = [];
    // Parents may come after children in a file: resolve in passes until nothing moves.
    let pending = inputs.map((input, index) => ({ input: { ...input }, index }));
    // Parents may come after their children: resolve in passes until a pass makes no progress.
    while (pending.length > 0) {
      const later: typeof pending = [];
      for (const item of pending) {
        const { input, index } = item;
        const problem = this.checkInput(input);
        if (problem) {
          report.errors.push({ index, code: input.code ?? '', reason: problem });
          continue;
        }
        let parentId: string | null = null;
        if (input.parentCode === null) {
          // One city per deployment: a second root would silently detach part of the tree.
          const root = [...next.values()].find((a) => a.parentId === null);
          if (input.level !== 'city') {
            report.errors.push({ index, code: input.code, reason: `a ${input.level} needs a parentCode` });
            continue;
          }
          if (root && root.code !== input.code) {
            report.errors.push({ index, code: input.code, reason: `the city ${root.code} already exists; only one top-level area is allowed` });
            continue;
          }
        }
        if (input.parentCode !== null) {
          const parent = next.get(input.parentCode);
          if (!parent) {
            later.push(item);
            continue;
          }
          if (!canContain(parent.level, input.level)) {
            report.errors.push({ index, code: input.code, reason: `a ${parent.level} cannot contain a ${input.level}` });
            continue;
          }
          parentId = parent.id;
        }
        const existing = next.get(input.code);
        const record: AreaRecord = { id: existing?.id ?? newId('are'), code: input.code, name: input.name, level: input.level, parentId, boundary: input.boundary };
        if (existing && JSON.stringify(existing) === JSON.stringify(record)) {
          report.unchanged += 1;
          continue;
        }
        const stored = byCode.has(input.code);
        if (stored) report.updated += 1;
        else report.created += 1;
        next.set(input.code, record);
        changed.push({ record, exists: stored });
      }
      if (later.length === pending.length) {
        for (const { input, index } of later) report.errors.push({ index, code: input.code, reason: `parent area ${input.parentCode} not found` });
        pending = [];
      } else pending = later;
    }
    if (changed.length === 0) return report;
    // Validate the whole tree before writing anything: a bad batch changes nothing.
    const records = [...next.values()];
    const candidate = new AreaIndex(records);
    const now = this.clock.now().toISOString();
    await this.uow.run(async ({ tx, publish }) => {
      for (const { record, exists } of changed) await this.repo.upsert(tx, record, now, exists);
      await publish(PLACES_EVENTS.areasImported, { created: report.created, updated: report.updated });
    });
    this.setIndex(records, candidate);
    return report;
  }

  private checkInput(input: AreaInput): string | null {
    if (typeof input.code !== 'string' || !/^[A-Za-z0-9_.-]{1,40}$/.test(input.code)) return 'code must be 1–40 letters, digits, . _ -';
    if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 100) return 'name is required (≤ 100 characters)';
    if (!isAreaLevel(input.level)) return `level must be one of city, district, street, community, grid`;
    if (input.boundary !== null) {
      const v = validateGeometry(input.boundary);
      if (!v.ok) return `boundary: ${v.problems.map((p) => p.en).join('; ')}`;
      // Keep the cleaned 2-D copy so re-imports compare equal.
      input.boundary = v.geometry;
    }
    return null;
  }
}

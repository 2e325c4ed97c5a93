import { createHash } from 'node:crypto';
import { AppError } from '../../../platform/errors/app-error.ts';
import { cleanText } from '../../../platform/text/text-safety.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { OrganizationApi } from '../../organization/index.ts';
import type { CasesService } from '../cases.service.ts';
import type { ImportRow, ImportSource, ImportedCase } from './import.types.ts';

export interface ImportRejection {
  row: number;
  code: string;
  reason: string;
  reasonZh: string;
}

export interface ImportReport {
  source: ImportSource;
  total: number;
  created: number;
  /** Rows already imported by an earlier run (same source and external id): skipped. */
  duplicates: number;
  rejected: ImportRejection[];
  categoriesCreated: number;
  departmentsCreated: number;
  durationMs: number;
}

const ROOTS: Record<ImportSource, { name: string; nameEn: string }> = {
  nyc311: { name: '纽约311', nameEn: 'NYC 311' },
  open311: { name: 'Open311 服务', nameEn: 'Open311 services' },
  teddycup: { name: '网络问政留言', nameEn: 'Online messages' },
};

/** A category code segment for a name: readable ASCII when possible, stable hash otherwise. */
export function segmentFor(name: string): string {
  const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 6);
  if (!slug) return `c${hash}`;
  return slug.length <= 20 ? slug : `${slug.slice(0, 13).replace(/-+$/, '')}-${hash}`;
}

/**
 * Turns parsed rows of an external dataset into cases: categories and departments are created on
 * first sight (under a root per source unless the name already exists in the tree), every row is
 * stored with its source state and dates, and re-runs skip rows already imported.
 */
export class CaseImporter {
  constructor(
    private readonly cases: CasesService,
    private readonly org: OrganizationApi,
    private readonly logger: Logger,
  ) {}

  async run(source: ImportSource, rows: AsyncIterable<ImportRow>, onProgress: (done: number) => void = () => {}): Promise<ImportReport> {
    const t0 = Date.now();
    const report: ImportReport = { source, total: 0, created: 0, duplicates: 0, rejected: [], categoriesCreated: 0, departmentsCreated: 0, durationMs: 0 };
    let chunk: Array<{ row: number; record: ImportedCase }> = [];
    const flush = async () => {
      await this.storeChunk(source, chunk, report);
      onProgress(report.total);
      chunk = [];
    };
    for await (const r of rows) {
      report.total += 1;
      if (!r.ok) {
        report.rejected.push({ row: r.row, code: r.code, reason: r.reason, reasonZh: r.reasonZh });
        continue;
      }
      chunk.push({ row: r.row, record: r.record });
      if (chunk.length >= 250) await flush();
    }
    await flush();
    report.durationMs = Date.now() - t0;
    this.logger.info({ source, total: report.total, created: report.created, duplicates: report.duplicates, rejected: report.rejected.length }, 'import finished');
    return report;
  }

  private async storeChunk(source: ImportSource, chunk: Array<{ row: number; record: ImportedCase }>, report: ImportReport): Promise<void> {
    if (chunk.length === 0) return;
    // Departments first (one batch), then categories (one batch), then the cases.
    const newDepts = new Map<string, { code: string; name: string }>();
    for (const { record } of chunk) {
      if (record.department && !this.org.getDepartmentByCode(this.deptCode(source, record.department.code))) newDepts.set(record.department.code, record.department);
    }
    if (newDepts.size) {
      const centre = this.org.cityCentre();
      const res = await this.org.upsertDepartments([...newDepts.values()].map((d) => ({
        code: this.deptCode(source, d.code), name: d.name || d.code, nameEn: d.name || d.code, tier: 'city' as const, kind: 'bureau' as const, parentCode: centre?.code ?? null,
      })));
      report.departmentsCreated += res.created;
    }
    const wanted = new Map<string, { code: string; name: string; nameEn: string; parentCode: string | null }>();
    const codeFor = new Map<string, string>();
    for (const { record } of chunk) {
      const key = record.categoryPath.join('/');
      if (codeFor.has(key)) continue;
      codeFor.set(key, this.categoryCode(source, record.categoryPath, wanted));
    }
    if (wanted.size) {
      const res = await this.cases.upsertCategories([...wanted.values()], { id: `import:${source}`, departmentId: null });
      report.categoriesCreated += res.created;
      if (res.errors.length) this.logger.warn({ errors: res.errors.slice(0, 3) }, 'import could not create some categories');
    }
    for (const { row, record } of chunk) {
      try {
        const dept = record.department ? this.org.getDepartmentByCode(this.deptCode(source, record.department.code)) : null;
        const stored = await this.cases.importHistorical({
          external: { source, id: record.externalId }, channel: record.channel, kind: record.kind, urgency: record.urgency,
          categoryCode: codeFor.get(record.categoryPath.join('/'))!, title: cleanText(record.title || record.text.slice(0, 30)), text: cleanText(record.text),
          ...(record.requester ? { requester: record.requester } : {}),
          ...(record.location ? { location: { ...record.location, ...(record.location.address ?? record.address ? { address: record.location.address ?? record.address } : {}) } } : {}),
          ...(dept ? { departmentId: dept.id } : {}), receivedAt: record.receivedAt, ...(record.dueAt ? { dueAt: record.dueAt } : {}),
          ...(record.closedAt ? { closedAt: record.closedAt } : {}), status: record.status, ...(record.reply ? { reply: { ...record.reply, text: cleanText(record.reply.text) } } : {}),
          sourceStatus: record.attributes.Status ?? record.attributes.status ?? record.status,
          attributes: pick(record, ['likes', 'dislikes']),
        });
        if (stored) report.created += 1;
        else report.duplicates += 1;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        report.rejected.push({ row, code: err.code, reason: err.en, reasonZh: err.zh });
      }
    }
  }

  private deptCode(source: ImportSource, code: string): string {
    return `${source}.${code.replace(/[^A-Za-z0-9_.-]/g, '-')}`.slice(0, 40);
  }

  /** Find the category for a path of names, or plan it (and its parents) under the source's root. */
  private categoryCode(source: ImportSource, path: string[], wanted: Map<string, { code: string; name: string; nameEn: string; parentCode: string | null }>): string {
    const tree = this.cases.categories;
    const known = tree.byNameOrPath(path.join('/')) ?? (path.length === 1 ? tree.byNameOrPath(path[0]!) : undefined);
    if (known) return known.code;
    const root = ROOTS[source];
    const rootCode: string = source;
    if (!tree.get(rootCode)) wanted.set(rootCode, { code: rootCode, name: root.name, nameEn: root.nameEn, parentCode: null });
    let parent = rootCode;
    for (const name of path.length ? path : ['未分类']) {
      const code = `${parent}.${segmentFor(name)}`;
      if (!tree.get(code) && !wanted.has(code)) wanted.set(code, { code, name: name.slice(0, 100), nameEn: name.slice(0, 100), parentCode: parent });
      parent = code;
    }
    return parent;
  }
}

function pick(record: ImportedCase, keys: Array<'likes' | 'dislikes'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (record[k] !== undefined) out[k] = String(record[k]);
  return out;
}

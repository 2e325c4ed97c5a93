import { sql, type Kysely, type Selectable } from 'kysely';
import type { Db, Tx } from '../../platform/db/database.ts';
import type { SqlDialect } from '../../platform/db/dialect/sql-dialect.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Assignment, AssignmentRole, AssignmentStatus, CaseRecord, HistoryEntry, Outcome, PendingExtension } from './domain/case-record.ts';
import type { CaseState, Channel, Kind, Rating, Urgency } from './domain/case-types.ts';
import { KPI_COUNTERS, type Counters, type KpiVector } from './domain/kpi.ts';
import type { Light } from './domain/time-limits.ts';

type KpiColumns = { [K in (typeof KPI_COUNTERS)[number] as `c_${K}`]: number };

export type CasesTables = {
  cases_case: {
    id: string; number: string; channel: string; kind: string; urgency: string; state: string; category_code: string;
    title: string; text: string; requester_name: string | null; requester_phone: string | null; requester_phone_key: string | null;
    anonymous: number; confidential: number; lng: number | null; lat: number | null; address: string | null; area_id: string | null;
    attachments: string; received_at: string; received_day: string; outcome: string | null; centre_id: string | null;
    main_department_id: string | null; dispatched_at: string | null; sign_due_at: string | null; due_at: string | null; warn_at: string | null;
    light: string; overdue: number; next_check_at: string | null; resolved_at: string | null; closed_at: string | null; reply: string | null;
    reply_at: string | null; rating: number | null; rated_at: string | null; callback_due_at: string | null; callback_attempts: number;
    parent_id: string | null; reopen_count: number; return_count: number; extension_count: number; pending_extension: string | null;
    chase_count: number; supervised: number; escalated_to_id: string | null; repeat_of_id: string | null;
    external_source: string | null; external_id: string | null; kpi: string; version: number; created_at: string; updated_at: string;
  };
  cases_assignment: {
    id: string; case_id: string; department_id: string; role: string; round: number; status: string; from_centre_id: string | null;
    dispatched_at: string; dispatched_by: string | null; sign_due_at: string | null; signed_at: string | null; returned_at: string | null;
    return_reason: string | null; replied_at: string | null; reply_text: string | null; reopened: number; sign_overdue: number;
  };
  cases_history: {
    id: string; case_id: string; seq: number; at: string; actor: string | null; action: string; from_state: string | null;
    to_state: string; department_id: string | null; public: number; note: string | null; data: string;
  };
  cases_category: { code: string; name: string; name_en: string; parent_code: string | null; active: number; updated_at: string };
  cases_number_seq: { day: string; last: number };
  cases_setting: { key: string; value: string; updated_at: string };
  cases_kpi_rollup: { day: string; department_id: string; category_code: string } & KpiColumns;
  cases_open311_key: { key_hash: string; name: string; demo: number; created_at: string };
};

type CaseRow = Selectable<CasesTables['cases_case']>;
type AssignmentRow = Selectable<CasesTables['cases_assignment']>;

const b = (v: boolean): number => (v ? 1 : 0);

/** The encrypted personal columns of cases_case and the AAD each is bound to (a value moved to another column fails to decrypt). */
export const CASE_PERSONAL_COLUMNS = {
  requester_name: 'cases_case.requester_name',
  requester_phone: 'cases_case.requester_phone',
} as const;

const seal = (cipher: FieldCipher | undefined, value: string | null, column: keyof typeof CASE_PERSONAL_COLUMNS): string | null =>
  value === null || !cipher ? value : cipher.encrypt(value, CASE_PERSONAL_COLUMNS[column]);

/**
 * Set a personal field that decrypts on first read. Lists and KPI drill-downs load thousands of rows and
 * show a page of them masked; decrypting every row up front would cost more than reading them.
 */
function defineSealed(record: CaseRecord, prop: 'requesterName' | 'requesterPhone', stored: string | null, column: keyof typeof CASE_PERSONAL_COLUMNS, cipher: FieldCipher | undefined): void {
  if (stored === null || !cipher || !stored.startsWith('enc:')) {
    record[prop] = stored;
    return;
  }
  const settle = (value: string | null): void => {
    Object.defineProperty(record, prop, { value, writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(record, prop, {
    enumerable: true,
    configurable: true,
    get: () => {
      const value = cipher.decrypt(stored, CASE_PERSONAL_COLUMNS[column]);
      settle(value);
      return value;
    },
    set: settle,
  });
}

/** A case as a cases_case row; with a cipher the requester's name and phone are stored encrypted. */
export function caseToRow(c: CaseRecord, receivedDay: string, nextCheckAt: string | null, kpi: KpiVector, cipher?: FieldCipher): CasesTables['cases_case'] {
  return {
    id: c.id, number: c.number, channel: c.channel, kind: c.kind, urgency: c.urgency, state: c.state, category_code: c.categoryCode,
    title: c.title, text: c.text, requester_name: seal(cipher, c.requesterName, 'requester_name'), requester_phone: seal(cipher, c.requesterPhone, 'requester_phone'),
    requester_phone_key: c.requesterPhoneKey,
    anonymous: b(c.anonymous), confidential: b(c.confidential), lng: c.location?.lng ?? null, lat: c.location?.lat ?? null,
    address: c.location?.address ?? c.address, area_id: c.areaId, attachments: JSON.stringify(c.attachments), received_at: c.receivedAt,
    received_day: receivedDay, outcome: c.outcome, centre_id: c.centreId, main_department_id: c.mainDepartmentId, dispatched_at: c.dispatchedAt,
    sign_due_at: c.signDueAt, due_at: c.dueAt, warn_at: c.warnAt, light: c.light, overdue: b(c.overdue), next_check_at: nextCheckAt,
    resolved_at: c.resolvedAt, closed_at: c.closedAt, reply: c.reply, reply_at: c.replyAt, rating: c.rating, rated_at: c.ratedAt,
    callback_due_at: c.callbackDueAt, callback_attempts: c.callbackAttempts, parent_id: c.parentId, reopen_count: c.reopenCount,
    return_count: c.returnCount, extension_count: c.extensionCount, pending_extension: c.pendingExtension ? JSON.stringify(c.pendingExtension) : null,
    chase_count: c.chaseCount, supervised: b(c.supervised), escalated_to_id: c.escalatedToId, repeat_of_id: c.repeatOfId,
    external_source: c.externalSource, external_id: c.externalId, kpi: JSON.stringify(kpi), version: c.version, created_at: c.createdAt, updated_at: c.updatedAt,
  };
}

/** A cases_case row as a case; encrypted personal fields decrypt on first read (legacy plaintext reads as is). */
export function rowToCase(r: CaseRow, cipher?: FieldCipher): CaseRecord {
  const record: CaseRecord = {
    id: r.id, number: r.number, channel: r.channel as Channel, kind: r.kind as Kind, urgency: r.urgency as Urgency, state: r.state as CaseState,
    categoryCode: r.category_code, title: r.title, text: r.text, requesterName: null, requesterPhone: null,
    requesterPhoneKey: r.requester_phone_key, anonymous: r.anonymous === 1, confidential: r.confidential === 1,
    location: r.lng !== null && r.lat !== null ? { lng: Number(r.lng), lat: Number(r.lat), address: r.address } : null,
    address: r.address,
    areaId: r.area_id, attachments: JSON.parse(r.attachments) as CaseRecord['attachments'], receivedAt: r.received_at,
    outcome: r.outcome as Outcome | null, centreId: r.centre_id, mainDepartmentId: r.main_department_id, dispatchedAt: r.dispatched_at,
    signDueAt: r.sign_due_at, dueAt: r.due_at, warnAt: r.warn_at, light: r.light as Light, overdue: r.overdue === 1, resolvedAt: r.resolved_at,
    closedAt: r.closed_at, reply: r.reply, replyAt: r.reply_at, rating: r.rating === null ? null : (Number(r.rating) as Rating), ratedAt: r.rated_at,
    callbackDueAt: r.callback_due_at, callbackAttempts: Number(r.callback_attempts), parentId: r.parent_id, reopenCount: Number(r.reopen_count),
    returnCount: Number(r.return_count), extensionCount: Number(r.extension_count),
    pendingExtension: r.pending_extension ? (JSON.parse(r.pending_extension) as PendingExtension) : null, chaseCount: Number(r.chase_count),
    supervised: r.supervised === 1, escalatedToId: r.escalated_to_id, repeatOfId: r.repeat_of_id, externalSource: r.external_source,
    externalId: r.external_id, version: Number(r.version), createdAt: r.created_at, updatedAt: r.updated_at,
  };
  defineSealed(record, 'requesterName', r.requester_name, 'requester_name', cipher);
  defineSealed(record, 'requesterPhone', r.requester_phone, 'requester_phone', cipher);
  return record;
}

const assignmentToRow = (a: Assignment): CasesTables['cases_assignment'] => ({
  id: a.id, case_id: a.caseId, department_id: a.departmentId, role: a.role, round: a.round, status: a.status, from_centre_id: a.fromCentreId,
  dispatched_at: a.dispatchedAt, dispatched_by: a.dispatchedBy, sign_due_at: a.signDueAt, signed_at: a.signedAt, returned_at: a.returnedAt,
  return_reason: a.returnReason, replied_at: a.repliedAt, reply_text: a.replyText, reopened: b(a.reopened), sign_overdue: b(a.signOverdue),
});

const rowToAssignment = (r: AssignmentRow): Assignment => ({
  id: r.id, caseId: r.case_id, departmentId: r.department_id, role: r.role as AssignmentRole, round: Number(r.round), status: r.status as AssignmentStatus,
  fromCentreId: r.from_centre_id, dispatchedAt: r.dispatched_at, dispatchedBy: r.dispatched_by, signDueAt: r.sign_due_at, signedAt: r.signed_at,
  returnedAt: r.returned_at, returnReason: r.return_reason, repliedAt: r.replied_at, replyText: r.reply_text, reopened: r.reopened === 1,
  signOverdue: r.sign_overdue === 1,
});

export interface CaseListFilter {
  states?: CaseState[];
  departmentId?: string;
  centreId?: string;
  categoryPrefix?: string;
  areaIds?: string[];
  channel?: Channel;
  light?: Light;
  overdue?: boolean;
  receivedFrom?: string;
  receivedTo?: string;
  q?: string;
  phoneKey?: string;
  parentId?: string;
  sort?: 'received_desc' | 'received_asc' | 'due_asc';
  /** Only cases touching these departments or in these areas (a caller's data scope). */
  scope?: { departmentIds: ReadonlySet<string>; areaIds: ReadonlySet<string> };
  limit: number;
  offset: number;
}

export interface StoredCase {
  record: CaseRecord;
  kpi: KpiVector;
  receivedDay: string;
}

/** The only place with SQL for cases_* tables. */
export class CasesRepository {
  private readonly db: Kysely<CasesTables>;
  /** Without a cipher personal data is stored in plaintext (old tests and benchmarks); the app always passes one. */
  constructor(db: Db, private readonly dialect: SqlDialect, private readonly cipher?: FieldCipher) {
    this.db = db.withTables<CasesTables>();
  }

  private t(tx?: Tx): Kysely<CasesTables> {
    return tx ? tx.withTables<CasesTables>() : this.db;
  }

  async nextNumber(tx: Tx, day: string): Promise<number> {
    const row = await this.t(tx)
      .insertInto('cases_number_seq')
      .values({ day, last: 1 })
      .onConflict((oc) => oc.column('day').doUpdateSet({ last: sql`cases_number_seq.last + 1` }))
      .returning('last')
      .executeTakeFirstOrThrow();
    return Number(row.last);
  }

  async insertCase(tx: Tx, c: CaseRecord, receivedDay: string, nextCheckAt: string | null, kpi: KpiVector): Promise<void> {
    await this.t(tx).insertInto('cases_case').values(caseToRow(c, receivedDay, nextCheckAt, kpi, this.cipher)).execute();
  }

  /** Write a changed case; fails (returns false) when someone else changed it first. */
  async updateCase(tx: Tx, c: CaseRecord, previousVersion: number, receivedDay: string, nextCheckAt: string | null, kpi: KpiVector): Promise<boolean> {
    const { id: _id, ...row } = caseToRow(c, receivedDay, nextCheckAt, kpi, this.cipher);
    const res = await this.t(tx).updateTable('cases_case').set(row).where('id', '=', c.id).where('version', '=', previousVersion).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async getStored(id: string, tx?: Tx): Promise<StoredCase | null> {
    const r = await this.t(tx).selectFrom('cases_case').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { record: rowToCase(r, this.cipher), kpi: JSON.parse(r.kpi) as KpiVector, receivedDay: r.received_day } : null;
  }

  async idByNumber(number: string): Promise<string | null> {
    const r = await this.db.selectFrom('cases_case').select('id').where('number', '=', number).executeTakeFirst();
    return r?.id ?? null;
  }

  async idByExternal(source: string, externalId: string, tx?: Tx): Promise<string | null> {
    const r = await this.t(tx).selectFrom('cases_case').select('id').where('external_source', '=', source).where('external_id', '=', externalId).executeTakeFirst();
    return r?.id ?? null;
  }

  async existingExternalIds(source: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('cases_case').select('external_id').where('external_source', '=', source).where('external_id', 'in', ids).execute();
    return new Set(rows.map((r) => r.external_id!));
  }

  async assignments(caseId: string, tx?: Tx): Promise<Assignment[]> {
    const rows = await this.t(tx).selectFrom('cases_assignment').selectAll().where('case_id', '=', caseId).execute();
    // Ids made in one millisecond do not sort in creation order; order by meaning instead.
    const rank: Record<string, number> = { centre: 0, main: 1, assist: 2 };
    return rows
      .map(rowToAssignment)
      .sort((a, b) => a.round - b.round || a.dispatchedAt.localeCompare(b.dispatchedAt) || (rank[a.role] ?? 3) - (rank[b.role] ?? 3) || a.id.localeCompare(b.id));
  }

  async saveAssignment(tx: Tx, a: Assignment, exists: boolean): Promise<void> {
    const row = assignmentToRow(a);
    if (exists) {
      const { id: _id, ...rest } = row;
      await this.t(tx).updateTable('cases_assignment').set(rest).where('id', '=', a.id).execute();
    } else await this.t(tx).insertInto('cases_assignment').values(row).execute();
  }

  async appendHistory(tx: Tx, entries: HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.t(tx)
      .insertInto('cases_history')
      .values(entries.map((h) => ({
        id: h.id, case_id: h.caseId, seq: h.seq, at: h.at, actor: h.actor, action: h.action, from_state: h.fromState, to_state: h.toState,
        department_id: h.departmentId, public: b(h.public), note: h.note, data: JSON.stringify(h.data),
      })))
      .execute();
  }

  async lastHistorySeq(caseId: string, tx?: Tx): Promise<number> {
    const r = await this.t(tx).selectFrom('cases_history').select((eb) => eb.fn.max('seq').as('m')).where('case_id', '=', caseId).executeTakeFirst();
    return r?.m === null || r?.m === undefined ? 0 : Number(r.m);
  }

  async history(caseId: string): Promise<HistoryEntry[]> {
    const rows = await this.db.selectFrom('cases_history').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
    return rows.map((r) => ({
      id: r.id, caseId: r.case_id, seq: Number(r.seq), at: r.at, actor: r.actor, action: r.action, fromState: r.from_state as CaseState | null,
      toState: r.to_state as CaseState, departmentId: r.department_id, public: r.public === 1, note: r.note, data: JSON.parse(r.data) as Record<string, unknown>,
    }));
  }

  async applyKpiDelta(tx: Tx, day: string, departmentId: string, categoryCode: string, delta: Counters): Promise<void> {
    const values: Record<string, unknown> = { day, department_id: departmentId, category_code: categoryCode };
    const updates: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(delta)) {
      values[`c_${k}`] = v;
      updates[`c_${k}`] = sql`${sql.ref(`cases_kpi_rollup.c_${k}`)} + ${v}`;
    }
    await this.t(tx)
      .insertInto('cases_kpi_rollup')
      .values(values as CasesTables['cases_kpi_rollup'])
      .onConflict((oc) => oc.columns(['day', 'department_id', 'category_code']).doUpdateSet(updates))
      .execute();
  }

  /** Summed counters per department (or per category / day) over a period. */
  async kpiSums(filter: { from: string; to: string; categoryPrefix?: string; departmentIds?: string[] }, groupBy: 'department' | 'category' | 'day'): Promise<Array<{ key: string; counters: Counters }>> {
    const col = groupBy === 'department' ? 'department_id' : groupBy === 'category' ? 'category_code' : 'day';
    let q = this.db
      .selectFrom('cases_kpi_rollup')
      .select(sql.ref<string>(col).as('k'))
      .select(KPI_COUNTERS.map((k) => sql<number>`sum(${sql.ref(`c_${k}`)})`.as(k)))
      .where('day', '>=', filter.from)
      .where('day', '<=', filter.to);
    if (filter.categoryPrefix) {
      const p = filter.categoryPrefix;
      q = q.where((eb) => eb.or([eb('category_code', '=', p), eb('category_code', 'like', `${p}.%`)]));
    }
    if (filter.departmentIds) {
      const ids = filter.departmentIds;
      q = ids.length ? q.where('department_id', 'in', ids) : q.where(sql<boolean>`1 = 0`);
    }
    const rows = (await q.groupBy(sql.ref(col)).execute()) as Array<Record<string, unknown>>;
    return rows.map((r) => {
      const counters: Counters = {};
      for (const k of KPI_COUNTERS) {
        const n = this.dialect.num(r[k]);
        if (n !== 0) counters[k] = n;
      }
      return { key: String(r.k), counters };
    });
  }

  /** Cases received in a period whose stored KPI vector may hold a counter for the department. */
  async kpiCandidates(filter: { from: string; to: string; categoryPrefix?: string; departmentId?: string; departmentIds?: string[] }, limit: number): Promise<Array<{ record: CaseRecord; kpi: KpiVector }>> {
    let q = this.db.selectFrom('cases_case').selectAll().where('received_day', '>=', filter.from).where('received_day', '<=', filter.to);
    if (filter.categoryPrefix) {
      const p = filter.categoryPrefix;
      q = q.where((eb) => eb.or([eb('category_code', '=', p), eb('category_code', 'like', `${p}.%`)]));
    }
    const depts = filter.departmentIds ?? (filter.departmentId !== undefined ? [filter.departmentId] : undefined);
    if (depts) {
      const real = depts.filter((d) => d !== '');
      q = q.where((eb) =>
        eb.or([
          ...(real.length ? [eb('main_department_id', 'in', real), eb('id', 'in', eb.selectFrom('cases_assignment').select('case_id').where('department_id', 'in', real))] : []),
          ...(depts.includes('') ? [eb('main_department_id', 'is', null)] : []),
        ]),
      );
    }
    const rows = await q.orderBy('received_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({ record: rowToCase(r, this.cipher), kpi: JSON.parse(r.kpi) as KpiVector }));
  }

  async list(f: CaseListFilter): Promise<{ items: CaseRecord[]; total: number }> {
    let q = this.db.selectFrom('cases_case');
    if (f.states?.length) q = q.where('state', 'in', f.states);
    if (f.departmentId) {
      const d = f.departmentId;
      q = q.where((eb) => eb.or([eb('main_department_id', '=', d), eb('id', 'in', eb.selectFrom('cases_assignment').select('case_id').where('department_id', '=', d).where('status', 'in', ['pending', 'signed', 'replied']))]));
    }
    if (f.centreId) q = q.where('centre_id', '=', f.centreId);
    if (f.scope) {
      const depts = [...f.scope.departmentIds];
      const areas = [...f.scope.areaIds];
      if (depts.length === 0 && areas.length === 0) q = q.where(sql<boolean>`1 = 0`);
      else {
        q = q.where((eb) =>
          eb.or([
            ...(depts.length ? [eb('main_department_id', 'in', depts), eb('centre_id', 'in', depts), eb('id', 'in', eb.selectFrom('cases_assignment').select('case_id').where('department_id', 'in', depts))] : []),
            ...(areas.length ? [eb('area_id', 'in', areas)] : []),
          ]),
        );
      }
    }
    if (f.categoryPrefix) {
      const p = f.categoryPrefix;
      q = q.where((eb) => eb.or([eb('category_code', '=', p), eb('category_code', 'like', `${p}.%`)]));
    }
    if (f.areaIds) {
      const ids = f.areaIds;
      q = ids.length ? q.where('area_id', 'in', ids) : q.where(sql<boolean>`1 = 0`);
    }
    if (f.channel) q = q.where('channel', '=', f.channel);
    if (f.light) q = q.where('light', '=', f.light);
    if (f.overdue !== undefined) q = q.where('overdue', '=', f.overdue ? 1 : 0);
    if (f.receivedFrom) q = q.where('received_at', '>=', f.receivedFrom);
    if (f.receivedTo) q = q.where('received_at', '<', f.receivedTo);
    if (f.phoneKey) q = q.where('requester_phone_key', '=', f.phoneKey);
    if (f.parentId) q = q.where('parent_id', '=', f.parentId);
    if (f.q) {
      // Escape LIKE wildcards so a search for "50%" means those characters; both engines need ESCAPE.
      const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      const op = sql.raw(this.dialect.ilike);
      q = q.where((eb) => eb.or([sql<boolean>`${sql.ref('title')} ${op} ${like} escape '\\'`, sql<boolean>`${sql.ref('text')} ${op} ${like} escape '\\'`, eb('number', '=', f.q!)]));
    }
    const totalRow = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    let items = q.selectAll();
    items = f.sort === 'due_asc' ? items.orderBy('due_at', 'asc').orderBy('received_at') : items.orderBy('received_at', f.sort === 'received_asc' ? 'asc' : 'desc');
    const rows = await items.orderBy('id').limit(f.limit).offset(f.offset).execute();
    return { items: rows.map((r) => rowToCase(r, this.cipher)), total: this.dialect.num(totalRow?.n) };
  }

  /** Cases whose next deadline check is due. */
  async dueForCheck(now: string, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('cases_case').select('id').where('next_check_at', '<=', now).orderBy('next_check_at').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  /** The most recent earlier case from the same phone in the same category family since `since`. */
  async findRepeat(phoneKey: string, categoryFamily: string, since: string, before: string, tx?: Tx): Promise<string | null> {
    const r = await this.t(tx)
      .selectFrom('cases_case')
      .select('id')
      .where('requester_phone_key', '=', phoneKey)
      .where('received_at', '>=', since)
      .where('received_at', '<=', before)
      .where((eb) => eb.or([eb('category_code', '=', categoryFamily), eb('category_code', 'like', `${categoryFamily}.%`)]))
      .orderBy('received_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.id ?? null;
  }

  /** Open cases (pending dispatch to returned) due before `at`, counted by main department (null: not yet dispatched). */
  async overdueByDepartment(at: string): Promise<Array<{ departmentId: string | null; n: number }>> {
    const rows = await this.db.selectFrom('cases_case')
      .select(['main_department_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', 'in', ['pending_dispatch', 'dispatched', 'handling', 'returned'])
      .where('due_at', 'is not', null)
      .where('due_at', '<', at)
      .groupBy('main_department_id')
      .execute();
    return rows.map((r) => ({ departmentId: r.main_department_id, n: Number(r.n) }));
  }

  async countByState(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('cases_case').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
    return Object.fromEntries(rows.map((r) => [r.state, this.dialect.num(r.n)]));
  }

  async caseCount(): Promise<number> {
    const r = await this.db.selectFrom('cases_case').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return this.dialect.num(r?.n);
  }

  // ---- categories, settings, Open311 keys ----
  async categories(): Promise<Array<{ code: string; name: string; nameEn: string; parentCode: string | null; active: boolean }>> {
    const rows = await this.db.selectFrom('cases_category').selectAll().orderBy('code').execute();
    return rows.map((r) => ({ code: r.code, name: r.name, nameEn: r.name_en, parentCode: r.parent_code, active: r.active === 1 }));
  }

  async saveCategory(tx: Tx, c: { code: string; name: string; nameEn: string; parentCode: string | null; active: boolean }, now: string): Promise<void> {
    const row = { code: c.code, name: c.name, name_en: c.nameEn, parent_code: c.parentCode, active: b(c.active), updated_at: now };
    await this.t(tx)
      .insertInto('cases_category')
      .values(row)
      .onConflict((oc) => oc.column('code').doUpdateSet({ name: row.name, name_en: row.name_en, parent_code: row.parent_code, active: row.active, updated_at: now }))
      .execute();
  }

  async setting(key: string): Promise<string | null> {
    const r = await this.db.selectFrom('cases_setting').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value ?? null;
  }

  async saveSetting(tx: Tx, key: string, value: string, now: string): Promise<void> {
    await this.t(tx).insertInto('cases_setting').values({ key, value, updated_at: now }).onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now })).execute();
  }

  async open311Key(hash: string): Promise<{ name: string; demo: boolean } | null> {
    const r = await this.db.selectFrom('cases_open311_key').selectAll().where('key_hash', '=', hash).executeTakeFirst();
    return r ? { name: r.name, demo: r.demo === 1 } : null;
  }

  async saveOpen311Key(hash: string, name: string, demo: boolean, now: string): Promise<void> {
    await this.db.insertInto('cases_open311_key').values({ key_hash: hash, name, demo: b(demo), created_at: now }).onConflict((oc) => oc.doNothing()).execute();
  }
}

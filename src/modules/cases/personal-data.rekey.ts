import type { Kysely } from 'kysely';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Db } from '../../platform/db/database.ts';
import type { SqlDialect } from '../../platform/db/dialect/sql-dialect.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { CASE_PERSONAL_COLUMNS, type CasesTables } from './cases.repository.ts';

type Column = keyof typeof CASE_PERSONAL_COLUMNS;
type PersonalRow = { id: string; requester_name: string | null; requester_phone: string | null; requester_phone_key: string | null };
type Patch = Partial<Omit<PersonalRow, 'id'>>;

export interface RekeyOptions {
  /** Rows per transaction (default 500). */
  batchSize?: number;
  /** Called after each batch. */
  onProgress?: (progress: RekeyProgress) => void;
  /** A new keyed hash for phone numbers: requester_phone_key is recomputed from the decrypted phone where it differs. */
  rehash?: (phone: string) => string;
  /** Resume after this case id (the `lastId` of an interrupted run); re-running from the start is also safe, only slower. */
  startAfter?: string;
}

export interface RekeyProgress {
  scanned: number;
  /** Rows after `startAfter` when the run began. */
  total: number;
  lastId: string | null;
}

export interface RekeyResult {
  scanned: number;
  /** Rows written. */
  rowsUpdated: number;
  /** Values re-encrypted with the current key, of which `encryptedPlaintext` were legacy plaintext. */
  reencrypted: number;
  encryptedPlaintext: number;
  /** Phone keys recomputed with `rehash`. */
  rehashed: number;
  /** Rows changed by someone else while this ran, left as they were: run again. */
  conflicts: number;
  /** Values that could not be decrypted (unknown key, tampered, malformed); their rows are left untouched. */
  failed: Array<{ id: string; column: Column; code: string }>;
  lastId: string | null;
  /** How many scanned values each key now protects ('plaintext' for values still unencrypted). An old key is safe to remove when it is absent here after a full run. */
  keysInUse: Record<string, number>;
}

/**
 * Re-encrypt citizens' names and phone numbers with the current key (plaintext rows too) and optionally
 * recompute phone keys, walking cases_case in id order in batches. Idempotent: a row already under the
 * current key with a matching phone key is not written. Safe beside a running server that already uses
 * the new keys: each write only succeeds if the row still holds what was read.
 */
export async function rekeyPersonalData(db: Db, dialect: SqlDialect, cipher: FieldCipher, opts: RekeyOptions = {}): Promise<RekeyResult> {
  const k = db.withTables<Pick<CasesTables, 'cases_case'>>();
  const batchSize = Math.max(1, opts.batchSize ?? 500);
  const result: RekeyResult = { scanned: 0, rowsUpdated: 0, reencrypted: 0, encryptedPlaintext: 0, rehashed: 0, conflicts: 0, failed: [], lastId: opts.startAfter ?? null, keysInUse: {} };
  const cols = ['id', 'requester_name', 'requester_phone', 'requester_phone_key'] as const;
  let countQuery = k.selectFrom('cases_case').select((eb) => eb.fn.countAll<number>().as('n'));
  if (opts.startAfter !== undefined) countQuery = countQuery.where('id', '>', opts.startAfter);
  const total = dialect.num((await countQuery.executeTakeFirst())?.n);

  for (;;) {
    let q = k.selectFrom('cases_case').select(cols).orderBy('id').limit(batchSize);
    if (result.lastId !== null) q = q.where('id', '>', result.lastId);
    const rows: PersonalRow[] = await q.execute();
    if (rows.length === 0) break;
    await k.transaction().execute(async (tx) => {
      for (const row of rows) {
        let current = row;
        for (let attempt = 0; ; attempt++) {
          const plan = planRow(current, cipher, opts.rehash, result);
          if (!plan) {
            tally(result, cipher, current, {});
            break;
          }
          if (Object.keys(plan.patch).length === 0) {
            tally(result, cipher, current, {});
            break;
          }
          if (await compareAndSet(tx, current, plan.patch)) {
            result.rowsUpdated += 1;
            result.reencrypted += plan.reencrypted;
            result.encryptedPlaintext += plan.plaintext;
            result.rehashed += plan.rehashed;
            tally(result, cipher, current, plan.patch);
            break;
          }
          const fresh = await tx.selectFrom('cases_case').select(cols).where('id', '=', row.id).executeTakeFirst();
          if (!fresh) break;
          if (attempt >= 2) {
            result.conflicts += 1;
            tally(result, cipher, fresh, {});
            break;
          }
          current = fresh;
        }
      }
    });
    result.scanned += rows.length;
    result.lastId = rows[rows.length - 1]!.id;
    opts.onProgress?.({ scanned: result.scanned, total, lastId: result.lastId });
  }
  return result;
}

/** What to write for one row, or null when a value cannot be decrypted (recorded in `failed`). */
function planRow(row: PersonalRow, cipher: FieldCipher, rehash: RekeyOptions['rehash'], result: RekeyResult): { patch: Patch; reencrypted: number; plaintext: number; rehashed: number } | null {
  const patch: Patch = {};
  let reencrypted = 0;
  let plaintext = 0;
  let phone: string | null = null;
  for (const column of ['requester_name', 'requester_phone'] as const) {
    const stored = row[column];
    if (stored === null) continue;
    let plain: string;
    try {
      plain = cipher.decrypt(stored, CASE_PERSONAL_COLUMNS[column]);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      result.failed.push({ id: row.id, column, code: err.code });
      return null;
    }
    if (column === 'requester_phone') phone = plain;
    if (cipher.needsRekey(stored)) {
      patch[column] = cipher.encrypt(plain, CASE_PERSONAL_COLUMNS[column]);
      reencrypted += 1;
      if (cipher.keyIdOf(stored) === null) plaintext += 1;
    }
  }
  let rehashed = 0;
  if (rehash && phone !== null) {
    const key = rehash(phone);
    if (key !== row.requester_phone_key) {
      patch.requester_phone_key = key;
      rehashed = 1;
    }
  }
  return { patch, reencrypted, plaintext, rehashed };
}

/** Write the patch only if the row still holds exactly what was read (a concurrent update wins). */
async function compareAndSet(tx: Kysely<Pick<CasesTables, 'cases_case'>>, row: PersonalRow, patch: Patch): Promise<boolean> {
  const res = await tx
    .updateTable('cases_case')
    .set(patch)
    .where('id', '=', row.id)
    .where((eb) =>
      eb.and((['requester_name', 'requester_phone', 'requester_phone_key'] as const).map((c) => (row[c] === null ? eb(c, 'is', null) : eb(c, '=', row[c])))),
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

function tally(result: RekeyResult, cipher: FieldCipher, row: PersonalRow, patch: Patch): void {
  for (const column of ['requester_name', 'requester_phone'] as const) {
    const value = patch[column] ?? row[column];
    if (value === null || value === undefined) continue;
    const key = cipher.keyIdOf(value) ?? (value.startsWith('enc:') ? 'malformed' : 'plaintext');
    result.keysInUse[key] = (result.keysInUse[key] ?? 0) + 1;
  }
}

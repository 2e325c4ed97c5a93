import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSmallWorld, SMALL_WORLD, TEST_ACTOR } from '../../../test/support/small-world.ts';
import { compose, type CityLoop } from '../../app/compose.ts';
import { loadConfig } from '../../app/config.ts';
import { resolveDataKeys } from '../../app/data-keys.ts';
import { ManualClock } from '../../platform/clock/clock.ts';
import { FieldCipher, KeyRing, type KeyEntry } from '../../platform/crypto/field-cipher.ts';
import { openDatabase, type Database } from '../../platform/db/database.ts';
import { testEngine } from '../../platform/testing/test-database.ts';
import { CasesRepository, type CasesTables } from './cases.repository.ts';
import { CasesService } from './cases.service.ts';
import { DEFAULT_CATEGORIES } from './domain/default-categories.ts';
import { rekeyPersonalData } from './personal-data.rekey.ts';

const PHONE = '13812345678';
const NAME = '张三丰';
const engine = testEngine();

/** A cases service over a repository holding `cipher`, beside the composed app (the app's own wiring is not under test here). */
async function serviceWith(app: CityLoop, database: Database, cipher: FieldCipher | undefined): Promise<CasesService> {
  const repo = new CasesRepository(database.db, database.dialect, cipher);
  const hash = cipher ?? new FieldCipher(new KeyRing([{ id: 'plain', key: randomBytes(32) }]), randomBytes(32));
  const config = { yellowShare: 0.8, satisfiedMinRating: 3 as const, repeatWindowDays: 30, maxCallbackAttempts: 3, phoneKey: (phone: string) => hash.keyedHash(phone) };
  const service = new CasesService(repo, app.uow, app.clock, app.calendar, app.places.api, app.organization.api, config, app.logger);
  await service.load();
  return service;
}

const table = (database: Database): Kysely<Pick<CasesTables, 'cases_case'>> => database.db.withTables<Pick<CasesTables, 'cases_case'>>();

async function personalColumns(database: Database) {
  return table(database).selectFrom('cases_case').select(['id', 'requester_name', 'requester_phone', 'requester_phone_key']).orderBy('id').execute();
}

const intake = (s: CasesService, name: string | undefined, phone: string | undefined, text = '小区门口垃圾堆积一周无人清运') =>
  s.intake({ channel: 'hotline', kind: 'complaint', categoryCode: '02.01', text, ...(name || phone ? { requester: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } } : {}), location: { lng: 120.05, lat: 30.1, address: '西一网格' } }, TEST_ACTOR);

describe(`rekeyPersonalData on ${engine}`, () => {
  const k1: KeyEntry = { id: 'k1', key: randomBytes(32) };
  const k2: KeyEntry = { id: 'k2', key: randomBytes(32) };
  const hashKey = randomBytes(32);
  const cipher = (entries: KeyEntry[], hash = hashKey) => new FieldCipher(new KeyRing(entries), hash);
  let w: Awaited<ReturnType<typeof openSmallWorld>>;
  const ids: string[] = [];
  let legacyId = '';

  beforeAll(async () => {
    w = await openSmallWorld('2026-12-01T01:00:00Z');
    const underK1 = await serviceWith(w.app, w.database, cipher([k1]));
    for (let i = 0; i < 7; i++) ids.push((await intake(underK1, `市民${i}`, `1390000000${i}`)).id);
    ids.push((await intake(underK1, undefined, undefined)).id); // anonymous: nothing to encrypt
    await underK1.dispatch(ids[0]!, { auto: true }, TEST_ACTOR); // an update re-encrypts the row
    // A row written before encryption existed.
    const legacy = await serviceWith(w.app, w.database, undefined);
    legacyId = (await intake(legacy, NAME, PHONE)).id;
  });
  afterAll(async () => w?.close());

  it('rotates k1 → k2: old and plaintext values re-encrypt, then k2 alone reads everything', async () => {
    const before = await personalColumns(w.database);
    expect(before.find((r) => r.id === legacyId)?.requester_phone).toBe(PHONE);
    expect(before.filter((r) => r.requester_phone?.startsWith('enc:k1:'))).toHaveLength(7);

    const rotated = cipher([k2, k1]);
    const progress: number[] = [];
    const result = await rekeyPersonalData(w.database.db, w.database.dialect, rotated, { batchSize: 3, onProgress: (p) => progress.push(p.scanned) });
    expect(result).toMatchObject({ scanned: 9, rowsUpdated: 8, reencrypted: 16, encryptedPlaintext: 2, rehashed: 0, conflicts: 0, failed: [], keysInUse: { k2: 16 } });
    expect(result.lastId).toBe([...ids, legacyId].sort().at(-1));
    expect(progress).toEqual([3, 6, 9]);

    const after = await personalColumns(w.database);
    for (const r of after) {
      for (const v of [r.requester_name, r.requester_phone]) if (v !== null) expect(v.startsWith('enc:k2:')).toBe(true);
    }
    expect(after.map((r) => r.requester_phone_key)).toEqual(before.map((r) => r.requester_phone_key));

    const onlyK2 = await serviceWith(w.app, w.database, cipher([k2]));
    const legacy = await onlyK2.get(legacyId, TEST_ACTOR);
    expect([legacy.requesterName, legacy.requesterPhone]).toEqual([NAME, PHONE]);
    for (let i = 0; i < 7; i++) {
      const c = await onlyK2.get(ids[i]!, TEST_ACTOR);
      expect([c.requesterName, c.requesterPhone]).toEqual([`市民${i}`, `1390000000${i}`]);
    }
    const anonymous = await onlyK2.get(ids[7]!, TEST_ACTOR);
    expect([anonymous.requesterName, anonymous.requesterPhone]).toEqual([null, null]);
    const listed = await onlyK2.list({ limit: 50, offset: 0 });
    expect(listed.items.find((c) => c.id === legacyId)?.requesterPhone).toBe('138****5678');
  });

  it('is idempotent: a second run writes nothing', async () => {
    const again = await rekeyPersonalData(w.database.db, w.database.dialect, cipher([k2, k1]), {});
    expect(again).toMatchObject({ scanned: 9, rowsUpdated: 0, reencrypted: 0, keysInUse: { k2: 16 } });
  });

  it('resumes after an interruption from the last id it reported', async () => {
    const k3: KeyEntry = { id: 'k3', key: randomBytes(32) };
    const c3 = cipher([k3, k2]);
    let reported: string | null = null;
    await expect(
      rekeyPersonalData(w.database.db, w.database.dialect, c3, {
        batchSize: 4,
        onProgress: (p) => {
          reported = p.lastId;
          throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    expect(reported).not.toBeNull();
    const mid = await personalColumns(w.database);
    expect(mid.filter((r) => r.requester_phone?.startsWith('enc:k3:')).length).toBeGreaterThan(0);
    expect(mid.filter((r) => r.requester_phone?.startsWith('enc:k2:')).length).toBeGreaterThan(0);

    const rest = await rekeyPersonalData(w.database.db, w.database.dialect, c3, { startAfter: reported!, batchSize: 4 });
    expect(rest.scanned).toBe(5);
    expect(rest.failed).toEqual([]);
    const full = await rekeyPersonalData(w.database.db, w.database.dialect, c3, {});
    expect(full).toMatchObject({ rowsUpdated: 0, keysInUse: { k3: 16 } });
    const onlyK3 = await serviceWith(w.app, w.database, cipher([k3]));
    expect((await onlyK3.get(legacyId, TEST_ACTOR)).requesterPhone).toBe(PHONE);
    // Put k2 back as current for the tests below.
    await rekeyPersonalData(w.database.db, w.database.dialect, cipher([k2, k3]), {});
  });

  it('recomputes phone keys with a new hash key, from the decrypted phone', async () => {
    const newHash = cipher([k2], randomBytes(32));
    const result = await rekeyPersonalData(w.database.db, w.database.dialect, newHash, { rehash: (p) => newHash.keyedHash(p) });
    expect(result).toMatchObject({ rowsUpdated: 8, rehashed: 8, reencrypted: 0 });
    const rows = await personalColumns(w.database);
    const legacy = rows.find((r) => r.id === legacyId)!;
    expect(legacy.requester_phone_key).toBe(newHash.keyedHash(PHONE));
    expect(rows.find((r) => r.id === ids[7])?.requester_phone_key).toBeNull();
    expect((await rekeyPersonalData(w.database.db, w.database.dialect, newHash, { rehash: (p) => newHash.keyedHash(p) })).rowsUpdated).toBe(0);
  });

  it('reports a value under an unknown key and leaves its row alone, rekeying the rest', async () => {
    const k0: KeyEntry = { id: 'k0', key: randomBytes(32) };
    const stray = cipher([k0]).encrypt('13700000000', 'cases_case.requester_phone');
    await table(w.database).updateTable('cases_case').set({ requester_phone: stray }).where('id', '=', ids[1]!).execute();
    const k4: KeyEntry = { id: 'k4', key: randomBytes(32) };
    const result = await rekeyPersonalData(w.database.db, w.database.dialect, cipher([k4, k2]), {});
    expect(result.failed).toEqual([{ id: ids[1], column: 'requester_phone', code: 'CRYPTO_KEY_UNKNOWN' }]);
    expect(result.keysInUse).toEqual({ k4: 14, k2: 1, k0: 1 });
    const row = (await personalColumns(w.database)).find((r) => r.id === ids[1])!;
    expect(row.requester_phone).toBe(stray);
    expect(row.requester_name?.startsWith('enc:k2:')).toBe(true);
  });
});

describe('personal data at rest', () => {
  it.skipIf(engine !== 'sqlite')('a SQLite database file holds no phone number or name in clear', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cityloop-at-rest-'));
    const url = join(dir, 'cityloop.sqlite');
    let database: Database | null = null;
    let app: CityLoop | null = null;
    try {
      const keys = resolveDataKeys({ dataKeys: '', hashKey: '' }, { databaseUrl: url });
      expect(keys.source).toBe('keyfile');
      database = await openDatabase(url);
      app = await compose(loadConfig({}, { logLevel: 'silent', schedulerIntervalMs: 60_000, databaseUrl: url }), { database, clock: new ManualClock('2026-12-01T01:00:00Z'), defaultMetrics: false });
      await app.start({ background: false });
      await loadSmallWorld(app);
      const s = await serviceWith(app, database, keys.cipher);
      const a = await intake(s, NAME, PHONE, '路灯不亮已经三天了，晚上出行很不安全');
      const b = await intake(s, NAME, PHONE, '小区垃圾站臭味严重，夏天尤其明显');
      await s.dispatch(a.id, { auto: true }, TEST_ACTOR);
      expect((await s.get(b.id, TEST_ACTOR)).requesterPhone).toBe(PHONE);
      expect((await s.get(b.id, TEST_ACTOR)).repeatOfId).toBe(a.id); // repeat callers are still found, through the keyed hash
      await app.close();
      app = null;
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(database.db);

      const files = [url, `${url}-wal`].filter((f) => existsSync(f));
      const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
      expect(bytes.length).toBeGreaterThan(10_000);
      // The scan does see case data: the complaint text (not personal) and the encrypted values are there.
      expect(bytes.includes(Buffer.from('路灯不亮已经三天了', 'utf8'))).toBe(true);
      expect(bytes.includes(Buffer.from(`enc:${keys.cipher.currentKeyId}:`))).toBe(true);
      expect(bytes.includes(Buffer.from(PHONE))).toBe(false);
      expect(bytes.includes(Buffer.from(NAME, 'utf8'))).toBe(false);
      expect(bytes.includes(Buffer.from(PHONE, 'utf16le'))).toBe(false);
    } finally {
      await app?.close();
      await database?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  if (engine !== 'sqlite') console.warn('skipped: the raw SQLite file test runs on the SQLite pass (CITYLOOP_TEST_DATABASE_URL is set)');

  it.skipIf(engine !== 'postgres')('PostgreSQL tables hold no phone number or name in clear', async () => {
    const w = await openSmallWorld('2026-12-01T01:00:00Z');
    try {
      const cipher = new FieldCipher(new KeyRing([{ id: 'k1', key: randomBytes(32) }]), randomBytes(32));
      const s = await serviceWith(w.app, w.database, cipher);
      const c = await intake(s, NAME, PHONE);
      await s.dispatch(c.id, { auto: true }, TEST_ACTOR);
      const { rows } = await sql<{ requester_phone: string; requester_name: string }>`select requester_phone, requester_name from cases_case`.execute(w.database.db);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.requester_phone).toMatch(/^enc:k1:/);
      expect(rows[0]!.requester_name).toMatch(/^enc:k1:/);
      // Nothing else in the schema holds them either (history, outbox, rollups …).
      const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = current_schema()`.execute(w.database.db);
      expect(tables.rows.map((t) => t.table_name)).toContain('cases_history');
      for (const { table_name } of tables.rows) {
        const dump = JSON.stringify((await sql`select * from ${sql.table(table_name)}`.execute(w.database.db)).rows);
        expect(dump.includes(PHONE), table_name).toBe(false);
        expect(dump.includes(NAME), table_name).toBe(false);
      }
    } finally {
      await w.close();
    }
  });
  if (engine !== 'postgres') console.warn('skipped: the PostgreSQL at-rest test needs CITYLOOP_TEST_DATABASE_URL=postgres://…');
});

async function loadSmallWorld(app: CityLoop): Promise<void> {
  const must = (r: { errors: unknown[] }) => {
    if (r.errors.length) throw new Error(JSON.stringify(r.errors));
  };
  must(await app.places.api.importAreas(SMALL_WORLD.areas));
  must(await app.cases.service.upsertCategories(DEFAULT_CATEGORIES.map((c) => ({ ...c })), TEST_ACTOR));
  must(await app.organization.api.upsertDepartments(SMALL_WORLD.departments));
  must(await app.organization.api.upsertRules(SMALL_WORLD.rules));
  must(await app.organization.api.upsertStaff(SMALL_WORLD.staff));
}

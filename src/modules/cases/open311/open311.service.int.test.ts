import { createHash } from 'node:crypto';
import { TEST_DATA_KEYS } from '../../../../test/support/test-keys.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, compose, type CityLoop } from '../../../app/compose.ts';
import { loadConfig } from '../../../app/config.ts';
import { ManualClock } from '../../../platform/clock/clock.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../../../platform/testing/test-database.ts';
import { SYSTEM_ACTOR } from '../cases.api.ts';
import { Open311Error } from './open311.errors.ts';
import { Open311Service } from './open311.service.ts';

const clock = new ManualClock('2026-12-03T02:00:00Z');
let app: CityLoop;
let database: TestDatabase;
let open311: Open311Service;

beforeAll(async () => {
  database = await openTestDatabase(ALL_MIGRATIONS);
  app = await compose(loadConfig({}, { logLevel: 'silent', ...TEST_DATA_KEYS }), { database, clock, defaultMetrics: false });
  await app.start({ background: false });
  await app.cases.service.upsertCategories([{ code: '02', name: '环境保护' }, { code: '02.01', name: '噪音污染' }], SYSTEM_ACTOR);
  open311 = new Open311Service(app.cases.service, app.cases.repository, app.organization.api, clock, 'Asia/Shanghai');
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe(`Open311Service keys and services (${testEngine()})`, () => {
  it('stores only the SHA-256 of an api_key and recognises the key afterwards', async () => {
    await open311.registerKey('s3cret-key', 'partner app', true);
    const hash = createHash('sha256').update('s3cret-key').digest('hex');
    expect(await app.cases.repository.open311Key(hash)).toEqual({ name: 'partner app', demo: true });
    expect(await app.cases.repository.open311Key('s3cret-key')).toBeNull();
    expect(await open311.checkKey('s3cret-key')).toEqual({ name: 'partner app', demo: true });
    expect(await open311.checkKey('S3CRET-KEY')).toBeNull();
    expect(await open311.checkKey(undefined)).toBeNull();
  });

  it('keeps the first registration when a key is registered again', async () => {
    await open311.registerKey('twice', 'first', false);
    await open311.registerKey('twice', 'second', true);
    expect(await open311.checkKey('twice')).toEqual({ name: 'first', demo: false });
  });

  it('refuses an empty key', async () => {
    await expect(open311.registerKey('  ', 'x', false)).rejects.toMatchObject({ code: 'OPEN311_BAD_KEY', status: 400 });
  });

  it('offers only the leaves of the category tree as services', () => {
    expect(open311.services().map((s) => s.service_code)).toEqual(['02.01']);
  });

  it('creates nothing for a request whose api_key is unknown, even when called directly', async () => {
    const before = await app.cases.repository.caseCount();
    const attempt = open311.createRequest({ api_key: 'unknown', service_code: '02.01', address_string: '某路', description: '噪音', attributes: {} });
    await expect(attempt).rejects.toBeInstanceOf(Open311Error);
    await expect(attempt).rejects.toMatchObject({ status: 403 });
    expect(await app.cases.repository.caseCount()).toBe(before);
  });
});

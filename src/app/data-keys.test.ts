import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../platform/config/config-reader.ts';
import { formatKeyRing, generateKeyEntry } from '../platform/crypto/field-cipher.ts';
import { addKeyToKeyFile, keyFilePathFor, pruneKeyFile, resolveDataKeys } from './data-keys.ts';

const AAD = 'cases_case.requester_phone';
const NONE = { dataKeys: '', hashKey: '' };
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('resolveDataKeys', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cityloop-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses CITYLOOP_DATA_KEYS and CITYLOOP_HASH_KEY when set, on any engine, first key encrypting', () => {
    const k2 = generateKeyEntry();
    const k1 = generateKeyEntry([k2.id]);
    const hash = randomBytes(32);
    const keys = resolveDataKeys({ dataKeys: formatKeyRing([k2, k1]), hashKey: hash.toString('base64') }, { databaseUrl: 'postgres://root@127.0.0.1:5432/x' });
    expect(keys.source).toBe('config');
    expect(keys.keyFile).toBeNull();
    expect(keys.hashKey.equals(hash)).toBe(true);
    expect(keys.cipher.currentKeyId).toBe(k2.id);
    expect(keys.cipher.keyIds()).toEqual([k2.id, k1.id]);
    // No key file is written when keys come from configuration.
    resolveDataKeys({ dataKeys: formatKeyRing([k1]), hashKey: hash.toString('base64') }, { databaseUrl: join(dir, 'db.sqlite') });
    expect(() => statSync(join(dir, 'cityloop.keys.json'))).toThrow();
  });

  it('lists every configuration problem at once', () => {
    expect(problemsOf(() => resolveDataKeys({ dataKeys: 'k1:c2hvcnQ=', hashKey: 'also bad' }, { databaseUrl: ':memory:' }))).toEqual([
      'CITYLOOP_DATA_KEYS: key k1 must be 32 bytes (44 base64 characters), got 5 bytes',
      'CITYLOOP_HASH_KEY: the hash key is not valid base64',
    ]);
    expect(problemsOf(() => resolveDataKeys({ dataKeys: formatKeyRing([generateKeyEntry()]), hashKey: '' }, { databaseUrl: ':memory:' }))).toEqual([
      'CITYLOOP_HASH_KEY: required when CITYLOOP_DATA_KEYS is set (set both, or neither to use the key file)',
    ]);
  });

  it('refuses PostgreSQL without configured keys, saying how to make them', () => {
    const problems = problemsOf(() => resolveDataKeys(NONE, { databaseUrl: 'postgres://root@127.0.0.1:5432/cityloop' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/required with PostgreSQL/);
    expect(problems[0]).toMatch(/randomBytes\(32\)/);
  });

  it('creates a 0600 key file beside a SQLite file database on first start and reuses it after', () => {
    const url = join(dir, 'sub', 'cityloop.sqlite');
    const first = resolveDataKeys(NONE, { databaseUrl: url });
    const file = join(dir, 'sub', 'cityloop.keys.json');
    expect(first.source).toBe('keyfile');
    expect(first.keyFile).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = first.cipher.encrypt('13812345678', AAD);
    const again = resolveDataKeys(NONE, { databaseUrl: `file:${url}` });
    expect(again.cipher.currentKeyId).toBe(first.cipher.currentKeyId);
    expect(again.cipher.decrypt(stored, AAD)).toBe('13812345678');
    expect(again.cipher.keyedHash('13812345678')).toBe(first.cipher.keyedHash('13812345678'));
    const json = JSON.parse(readFileSync(file, 'utf8')) as { dataKeys: Array<{ id: string; key: string }>; hashKey: string };
    expect(json.dataKeys.map((e) => e.id)).toEqual([first.cipher.currentKeyId]);
    expect(Buffer.from(json.hashKey, 'base64').equals(first.hashKey)).toBe(true);
  });

  it('refuses a key file other users can read, and a damaged one', () => {
    const url = join(dir, 'cityloop.sqlite');
    const { keyFile } = resolveDataKeys(NONE, { databaseUrl: url });
    chmodSync(keyFile!, 0o644);
    expect(problemsOf(() => resolveDataKeys(NONE, { databaseUrl: url }))[0]).toMatch(/readable by other users \(mode 0644\); run: chmod 600/);
    writeFileSync(keyFile!, '{"dataKeys":[{"id":"k1","key":"c2hvcnQ="}],"hashKey":"x"}', { mode: 0o600 });
    chmodSync(keyFile!, 0o600);
    expect(problemsOf(() => resolveDataKeys(NONE, { databaseUrl: url }))[0]).toMatch(/key file .*: key k1 must be 32 bytes/);
  });

  it('gives in-memory databases one random key per process', () => {
    const a = resolveDataKeys(NONE, { databaseUrl: ':memory:' });
    const b = resolveDataKeys(NONE, { databaseUrl: 'file::memory:' });
    expect(a.source).toBe('ephemeral');
    expect(a.keyFile).toBeNull();
    expect(b.cipher.decrypt(a.cipher.encrypt('张三丰', AAD), AAD)).toBe('张三丰');
  });

  it('rotates a key file: a new key is added in front, old ones decrypt until pruned', () => {
    const url = join(dir, 'cityloop.sqlite');
    const before = resolveDataKeys(NONE, { databaseUrl: url });
    const old = before.cipher.encrypt('13812345678', AAD);
    const newId = addKeyToKeyFile(before.keyFile!);
    const after = resolveDataKeys(NONE, { databaseUrl: url });
    expect(statSync(before.keyFile!).mode & 0o777).toBe(0o600);
    expect(after.cipher.keyIds()).toEqual([newId, before.cipher.currentKeyId]);
    expect(after.cipher.decrypt(old, AAD)).toBe('13812345678');
    expect(after.cipher.keyedHash('1')).toBe(before.cipher.keyedHash('1')); // the hash key stays
    const fresh = after.cipher.encrypt('13812345678', AAD);
    expect(pruneKeyFile(before.keyFile!)).toEqual([before.cipher.currentKeyId]);
    const pruned = resolveDataKeys(NONE, { databaseUrl: url });
    expect(pruned.cipher.keyIds()).toEqual([newId]);
    expect(pruned.cipher.decrypt(fresh, AAD)).toBe('13812345678');
    expect(pruneKeyFile(before.keyFile!)).toEqual([]);
  });

  it('names the key file only for SQLite files', () => {
    expect(keyFilePathFor(join(dir, 'a.sqlite'))).toBe(join(dir, 'cityloop.keys.json'));
    expect(keyFilePathFor(':memory:')).toBeNull();
    expect(keyFilePathFor('postgresql://u@h/db')).toBeNull();
  });
});

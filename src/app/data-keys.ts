import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { ConfigError } from '../platform/config/config-reader.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { dialectOf } from '../platform/db/database.ts';
import { sqlitePath } from '../platform/db/dialect/sqlite.ts';
import { FieldCipher, generateKeyEntry, generateSecret, KeyRing, parseKey, parseKeyRing, type KeyEntry } from '../platform/crypto/field-cipher.ts';
import type { CityLoopConfig } from './config.ts';

/** Where the data keys came from. */
export type DataKeySource = 'config' | 'keyfile' | 'ephemeral';

/** The resolved keys for personal data at rest. */
export interface DataKeys {
  /** Encrypts and decrypts personal fields; also computes keyed hashes. */
  cipher: FieldCipher;
  /** The HMAC secret behind `cipher.keyedHash`. */
  hashKey: Buffer;
  source: DataKeySource;
  /** The key file in use (source 'keyfile'), else null. */
  keyFile: string | null;
}

/** The key file's name; it sits in the SQLite database's folder. */
export const KEY_FILE_NAME = 'cityloop.keys.json';

const KEY_FILE_NOTE =
  'CityLoop keys for citizens\' personal data. Keep this file secret and back it up apart from the database: without it the encrypted names and phone numbers cannot be read. The first data key encrypts; all decrypt.';

interface KeyFileContent {
  dataKeys: KeyEntry[];
  hashKey: Buffer;
}

// One key per process for in-memory databases: they die with the process, and every composition in
// the process (the demo loader composes a second app over the same handle) must agree on the key.
let ephemeral: KeyFileContent | null = null;

/** The key file for a SQLite file database, or null for PostgreSQL and in-memory databases. */
export function keyFilePathFor(databaseUrl: string): string | null {
  if (dialectOf(databaseUrl) === 'postgres') return null;
  const path = sqlitePath(databaseUrl);
  return path === ':memory:' ? null : join(dirname(path), KEY_FILE_NAME);
}

/**
 * Resolve the data keys: from CITYLOOP_DATA_KEYS + CITYLOOP_HASH_KEY when set; otherwise a key file
 * beside a SQLite file database (created on first start, mode 0600), a per-process random key for an
 * in-memory database. PostgreSQL without configured keys is refused: a key file on one app server
 * beside a shared database would leave the other servers unable to read, or each writing their own key.
 * Pass the URL of the database actually opened (`database.url`), not the configured default.
 */
export function resolveDataKeys(config: Pick<CityLoopConfig, 'dataKeys' | 'hashKey'>, where: { databaseUrl: string }): DataKeys {
  const dataKeys = config.dataKeys.trim();
  const hashKey = config.hashKey.trim();
  if (dataKeys || hashKey) {
    const problems: string[] = [];
    if (!dataKeys) problems.push('CITYLOOP_DATA_KEYS: required when CITYLOOP_HASH_KEY is set (set both, or neither to use the key file)');
    if (!hashKey) problems.push('CITYLOOP_HASH_KEY: required when CITYLOOP_DATA_KEYS is set (set both, or neither to use the key file)');
    let ring: KeyRing | null = null;
    let hash: Buffer | null = null;
    if (dataKeys) ring = collect(problems, 'CITYLOOP_DATA_KEYS', () => parseKeyRing(dataKeys));
    if (hashKey) hash = collect(problems, 'CITYLOOP_HASH_KEY', () => parseKey(hashKey, 'the hash key'));
    if (problems.length || !ring || !hash) throw new ConfigError(problems);
    return { cipher: new FieldCipher(ring, hash), hashKey: hash, source: 'config', keyFile: null };
  }
  if (dialectOf(where.databaseUrl) === 'postgres') {
    throw new ConfigError([
      'CITYLOOP_DATA_KEYS and CITYLOOP_HASH_KEY: required with PostgreSQL (personal data is encrypted at rest and every app server needs the same keys). ' +
        'Generate each with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))" and set CITYLOOP_DATA_KEYS=k1:<key> CITYLOOP_HASH_KEY=<key>',
    ]);
  }
  const file = keyFilePathFor(where.databaseUrl);
  if (file === null) {
    ephemeral ??= { dataKeys: [generateKeyEntry()], hashKey: generateSecret() };
    return fromContent(ephemeral, 'ephemeral', null);
  }
  return fromContent(readOrCreateKeyFile(file), 'keyfile', file);
}

/** Add a fresh key in front of the key file's data keys (rotation without CITYLOOP_DATA_KEYS); returns its id. Restart the app afterwards. */
export function addKeyToKeyFile(file: string): string {
  const content = readKeyFile(file);
  const entry = generateKeyEntry(content.dataKeys.map((e) => e.id));
  replaceKeyFile(file, { ...content, dataKeys: [entry, ...content.dataKeys] });
  return entry.id;
}

/** Remove every data key but the current one from the key file (after re-encryption left none in use); returns the removed ids. */
export function pruneKeyFile(file: string): string[] {
  const content = readKeyFile(file);
  const [current, ...old] = content.dataKeys;
  if (old.length > 0) replaceKeyFile(file, { ...content, dataKeys: [current!] });
  return old.map((e) => e.id);
}

function collect<T>(problems: string[], key: string, parse: () => T): T | null {
  try {
    return parse();
  } catch (err) {
    problems.push(`${key}: ${err instanceof AppError ? err.en : String(err)}`);
    return null;
  }
}

function fromContent(content: KeyFileContent, source: DataKeySource, keyFile: string | null): DataKeys {
  return { cipher: new FieldCipher(new KeyRing(content.dataKeys), content.hashKey), hashKey: content.hashKey, source, keyFile };
}

function readOrCreateKeyFile(file: string): KeyFileContent {
  try {
    return readKeyFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(file), { recursive: true });
  const content: KeyFileContent = { dataKeys: [generateKeyEntry()], hashKey: generateSecret() };
  const tmp = writeTemp(file, content);
  try {
    // link() fails when the name exists, so two processes starting at once cannot both create a key.
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readKeyFile(file);
  } finally {
    unlinkSync(tmp);
  }
  syncDir(dirname(file));
  return content;
}

function replaceKeyFile(file: string, content: KeyFileContent): void {
  const tmp = writeTemp(file, content);
  renameSync(tmp, file);
  syncDir(dirname(file));
}

/** Write the content to a fresh 0600 file next to `file` and flush it to disk. */
function writeTemp(file: string, content: KeyFileContent): string {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const body = {
    note: KEY_FILE_NOTE,
    dataKeys: content.dataKeys.map((e) => ({ id: e.id, key: e.key.toString('base64') })),
    hashKey: content.hashKey.toString('base64'),
  };
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(body, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

function syncDir(dir: string): void {
  // Makes the new name durable; not every platform can open a directory, and that is not worth failing a start over.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

function readKeyFile(file: string): KeyFileContent {
  const st = statSync(file);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new ConfigError([`key file ${file}: readable by other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); run: chmod 600 ${file}`]);
  }
  const bad = (why: string): ConfigError => new ConfigError([`key file ${file}: ${why}`]);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw bad('not valid JSON');
  }
  const obj = raw as { dataKeys?: unknown; hashKey?: unknown };
  if (!Array.isArray(obj.dataKeys) || obj.dataKeys.length === 0) throw bad('"dataKeys" must be a non-empty list of { "id", "key" }');
  if (typeof obj.hashKey !== 'string') throw bad('"hashKey" must be a base64 string');
  try {
    const dataKeys = obj.dataKeys.map((e: unknown, i: number) => {
      const { id, key } = (e ?? {}) as { id?: unknown; key?: unknown };
      if (typeof id !== 'string' || typeof key !== 'string') throw bad(`dataKeys[${i}] must be { "id": string, "key": base64 string }`);
      return { id, key: parseKey(key, `key ${id}`) };
    });
    const hashKey = parseKey(obj.hashKey, 'the hash key');
    new KeyRing(dataKeys); // duplicate ids, bad ids
    return { dataKeys, hashKey };
  } catch (err) {
    if (err instanceof AppError) throw bad(err.en);
    throw err;
  }
}

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.ts';
import { FieldCipher, formatKeyRing, generateKeyEntry, KeyRing, parseKey, parseKeyRing, type KeyEntry } from './field-cipher.ts';

const AAD = 'cases_case.requester_phone';
const k1: KeyEntry = { id: 'k1', key: randomBytes(32) };
const k2: KeyEntry = { id: 'k2', key: randomBytes(32) };
const hashKey = randomBytes(32);
const cipherOf = (...entries: KeyEntry[]) => new FieldCipher(new KeyRing(entries), hashKey);

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'no error';
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
};

describe('FieldCipher', () => {
  const cipher = cipherOf(k1);

  it('round-trips ASCII, Chinese, emoji and the empty string', () => {
    for (const plain of ['13812345678', '张三丰', '欧阳 娜娜 🙂👨‍👩‍👧', '', 'enc:looks-like-a-prefix']) {
      const stored = cipher.encrypt(plain, AAD);
      expect(stored).toMatch(/^enc:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]*$/);
      expect(cipher.decrypt(stored, AAD)).toBe(plain);
    }
  });

  it('round-trips any string (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (plain) => cipher.decrypt(cipher.encrypt(plain, AAD), AAD) === plain));
  });

  it('does not show the plaintext in the stored value', () => {
    const stored = cipher.encrypt('13812345678', AAD);
    expect(stored).not.toContain('13812345678');
    expect(stored).not.toContain(Buffer.from('13812345678').toString('base64url').slice(0, 8));
  });

  it('uses a fresh IV every time, so equal values encrypt differently', () => {
    const ivs = new Set<string>();
    const stored = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const s = cipher.encrypt('13812345678', AAD);
      stored.add(s);
      ivs.add(s.split(':')[2]!);
    }
    expect(ivs.size).toBe(2000);
    expect(stored.size).toBe(2000);
  });

  it('refuses a value moved to another column (AAD mismatch)', () => {
    const stored = cipher.encrypt('13812345678', AAD);
    expect(codeOf(() => cipher.decrypt(stored, 'cases_case.requester_name'))).toBe('CRYPTO_DECRYPT_FAILED');
  });

  it('refuses a tampered ciphertext, tag or IV', () => {
    const stored = cipher.encrypt('13812345678', AAD);
    const [p, id, iv, tag, ct] = stored.split(':') as [string, string, string, string, string];
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    expect(codeOf(() => cipher.decrypt([p, id, iv, tag, flip(ct, 0)].join(':'), AAD))).toBe('CRYPTO_DECRYPT_FAILED');
    expect(codeOf(() => cipher.decrypt([p, id, iv, flip(tag, 3), ct].join(':'), AAD))).toBe('CRYPTO_DECRYPT_FAILED');
    expect(codeOf(() => cipher.decrypt([p, id, flip(iv, 5), tag, ct].join(':'), AAD))).toBe('CRYPTO_DECRYPT_FAILED');
    expect(codeOf(() => cipher.decrypt([p, id, iv, tag].join(':'), AAD))).toBe('CRYPTO_MALFORMED');
  });

  it('refuses a value under a key id it does not hold, and a different key under the same id', () => {
    const stored = cipherOf(k2).encrypt('13812345678', AAD);
    expect(codeOf(() => cipher.decrypt(stored, AAD))).toBe('CRYPTO_KEY_UNKNOWN');
    const impostor = cipherOf({ id: 'k1', key: randomBytes(32) });
    expect(codeOf(() => impostor.decrypt(cipher.encrypt('x', AAD), AAD))).toBe('CRYPTO_DECRYPT_FAILED');
  });

  it('passes legacy plaintext through unchanged', () => {
    expect(cipher.decrypt('13812345678', AAD)).toBe('13812345678');
    expect(cipher.decrypt('张三', AAD)).toBe('张三');
  });

  it('rotates: the first key encrypts, older keys still decrypt, needsRekey flags old and plaintext values', () => {
    const old = cipher.encrypt('张三丰', AAD);
    const rotated = cipherOf(k2, k1);
    expect(rotated.decrypt(old, AAD)).toBe('张三丰');
    const fresh = rotated.encrypt('张三丰', AAD);
    expect(fresh.startsWith('enc:k2:')).toBe(true);
    expect(rotated.needsRekey(old)).toBe(true);
    expect(rotated.needsRekey(fresh)).toBe(false);
    expect(rotated.needsRekey('13812345678')).toBe(true);
    expect(rotated.needsRekey('enc:k2:broken')).toBe(true);
    expect(rotated.keyIdOf(old)).toBe('k1');
    expect(rotated.keyIdOf('plain')).toBeNull();
    // After the old key is dropped, re-encrypted values still read.
    expect(cipherOf(k2).decrypt(fresh, AAD)).toBe('张三丰');
  });

  it('keyed hash is stable, 32 base64url characters, and depends on the hash key', () => {
    const h = cipher.keyedHash('13812345678');
    expect(h).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(cipherOf(k2).keyedHash('13812345678')).toBe(h); // the data key does not matter
    expect(new FieldCipher(new KeyRing([k1]), randomBytes(32)).keyedHash('13812345678')).not.toBe(h);
    expect(cipher.keyedHash('13812345679')).not.toBe(h);
  });
});

describe('parseKeyRing', () => {
  const b64 = (n = 32) => randomBytes(n).toString('base64');

  it('reads "id:base64" entries with the first as current, in base64 or base64url', () => {
    const a = randomBytes(32);
    const ring = parseKeyRing(` k2:${a.toString('base64url')} , k1:${b64()}`);
    expect(ring.current.id).toBe('k2');
    expect(ring.current.key.equals(a)).toBe(true);
    expect(ring.ids()).toEqual(['k2', 'k1']);
  });

  it('round-trips formatKeyRing', () => {
    const entries = [generateKeyEntry(), generateKeyEntry()];
    expect(parseKeyRing(formatKeyRing(entries)).ids()).toEqual(entries.map((e) => e.id));
  });

  it('explains each kind of mistake', () => {
    const message = (spec: string): string => {
      try {
        parseKeyRing(spec);
        return 'no error';
      } catch (err) {
        return err instanceof AppError ? `${err.code}: ${err.en}` : String(err);
      }
    };
    expect(message('')).toMatch(/Entry 1 must be "id:base64key"/);
    expect(message(`k1:${b64()},`)).toMatch(/Entry 2 must be/);
    expect(message('k1:not base64!')).toMatch(/key k1 is not valid base64/);
    expect(message(`k1:${b64(16)}`)).toMatch(/key k1 must be 32 bytes .*got 16/);
    expect(message(`k1:${b64()},k1:${b64()}`)).toMatch(/Duplicate key id "k1"/);
    expect(message(`k:1:${b64()}`)).toMatch(/not valid base64/);
    expect(message(`k 1:${b64()}`)).toMatch(/Invalid key id/);
    expect(message(`k1:${b64()}`)).toBe('no error');
  });

  it('parseKey refuses base64 that Buffer.from would silently accept', () => {
    expect(codeOf(() => parseKey(`${b64()}!!`, 'hash key'))).toBe('CRYPTO_KEY_INVALID');
    expect(parseKey(b64(), 'hash key').length).toBe(32);
  });

  it('generateKeyEntry avoids ids already taken', () => {
    const taken = Array.from({ length: 50 }, () => generateKeyEntry().id);
    const e = generateKeyEntry(taken);
    expect(taken).not.toContain(e.id);
    expect(e.key.length).toBe(32);
  });
});

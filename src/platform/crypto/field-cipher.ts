import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error.ts';

/** One data key: an id written into every value it encrypts, and 32 bytes of AES-256 key. */
export interface KeyEntry {
  readonly id: string;
  readonly key: Buffer;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'enc:';
// ':' and ',' separate ids from keys and entries in CITYLOOP_DATA_KEYS, so ids stay to a safe alphabet.
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const ENCRYPTED = /^enc:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22}):([A-Za-z0-9_-]*)$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

const invalidKey = (zh: string, en: string, details?: Record<string, unknown>): AppError =>
  new AppError({ code: 'CRYPTO_KEY_INVALID', status: 500, zh, en, ...(details ? { details } : {}) });

/** The data keys in use: the first encrypts, every key decrypts (old keys stay until their values are re-encrypted). */
export class KeyRing {
  private readonly byId: Map<string, Buffer>;
  /** The key new values are encrypted with. */
  readonly current: KeyEntry;

  constructor(entries: readonly KeyEntry[]) {
    if (entries.length === 0) throw invalidKey('至少需要一个数据密钥', 'At least one data key is required');
    this.byId = new Map();
    for (const e of entries) {
      if (!KEY_ID.test(e.id)) throw invalidKey(`密钥标识无效：${e.id}（1–32 位字母、数字、_ 或 -）`, `Invalid key id "${e.id}": 1–32 letters, digits, _ or -`, { id: e.id });
      if (e.key.length !== KEY_BYTES) throw invalidKey(`密钥 ${e.id} 长度须为 32 字节，实际 ${e.key.length} 字节`, `Key ${e.id} must be 32 bytes, got ${e.key.length}`, { id: e.id, bytes: e.key.length });
      if (this.byId.has(e.id)) throw invalidKey(`密钥标识重复：${e.id}`, `Duplicate key id "${e.id}"`, { id: e.id });
      // A private copy: the caller may zero or reuse its buffer.
      this.byId.set(e.id, Buffer.from(e.key));
    }
    const first = entries[0]!;
    this.current = { id: first.id, key: this.byId.get(first.id)! };
  }

  /** The key with this id, if the ring holds it. */
  get(id: string): Buffer | undefined {
    return this.byId.get(id);
  }

  /** Every key id, current first. */
  ids(): string[] {
    return [...this.byId.keys()];
  }
}

/** Decode a base64 (or base64url) secret of exactly 32 bytes; `what` names it in the error. */
export function parseKey(b64: string, what: string): Buffer {
  const s = b64.trim();
  // Buffer.from silently skips characters outside the alphabet, so check the alphabet first.
  if (!BASE64.test(s) || s.replace(/=+$/, '').length % 4 === 1) {
    throw invalidKey(`${what} 不是有效的 base64`, `${what} is not valid base64`, { what });
  }
  const key = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== KEY_BYTES) {
    throw invalidKey(`${what} 须为 32 字节（base64 编码 44 个字符），实际 ${key.length} 字节`, `${what} must be 32 bytes (44 base64 characters), got ${key.length} bytes`, { what, bytes: key.length });
  }
  return key;
}

/** Parse `"k2:base64,k1:base64"` (current key first) into a key ring, with an error naming the bad entry. */
export function parseKeyRing(spec: string): KeyRing {
  const parts = spec.split(',').map((p) => p.trim());
  const entries: KeyEntry[] = parts.map((part, i) => {
    const colon = part.indexOf(':');
    if (colon <= 0) throw invalidKey(`第 ${i + 1} 项须为 "标识:base64密钥"`, `Entry ${i + 1} must be "id:base64key"`, { entry: i + 1 });
    const id = part.slice(0, colon);
    return { id, key: parseKey(part.slice(colon + 1), `key ${id}`) };
  });
  return new KeyRing(entries);
}

/** The `CITYLOOP_DATA_KEYS` form of a ring's entries (tests, key generation). */
export function formatKeyRing(entries: readonly KeyEntry[]): string {
  return entries.map((e) => `${e.id}:${e.key.toString('base64')}`).join(',');
}

/** A fresh random key with a random id not among `taken`. */
export function generateKeyEntry(taken: readonly string[] = []): KeyEntry {
  let id: string;
  do id = `k${randomBytes(4).toString('hex')}`;
  while (taken.includes(id));
  return { id, key: randomBytes(KEY_BYTES) };
}

/** A fresh random 32-byte secret (hash keys). */
export function generateSecret(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * Encrypts single text fields for storage: `enc:<keyId>:<iv>:<tag>:<ciphertext>` (AES-256-GCM, base64url parts).
 * The AAD names where the value lives, so a ciphertext copied into another column fails to decrypt.
 */
export class FieldCipher {
  private readonly hashKey: Buffer;

  constructor(
    private readonly ring: KeyRing,
    hashKey: Buffer,
  ) {
    if (hashKey.length !== KEY_BYTES) throw invalidKey(`哈希密钥须为 32 字节，实际 ${hashKey.length} 字节`, `The hash key must be 32 bytes, got ${hashKey.length}`);
    this.hashKey = Buffer.from(hashKey);
  }

  /** Id of the key new values are encrypted with. */
  get currentKeyId(): string {
    return this.ring.current.id;
  }

  /** Every key id this cipher can decrypt with, current first. */
  keyIds(): string[] {
    return this.ring.ids();
  }

  /** Encrypt with the current key; `aad` names the place the value is stored (e.g. `cases_case.requester_phone`). */
  encrypt(plain: string, aad: string): string {
    const { id, key } = this.ring.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${PREFIX}${id}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
  }

  /** Decrypt a stored value; values without the `enc:` prefix are legacy plaintext and come back unchanged. */
  decrypt(stored: string, aad: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const m = ENCRYPTED.exec(stored);
    if (!m) throw new AppError({ code: 'CRYPTO_MALFORMED', status: 500, zh: '加密数据格式损坏', en: 'An encrypted value is malformed', details: { aad } });
    const [, keyId, iv, tag, ct] = m as unknown as [string, string, string, string, string];
    const key = this.ring.get(keyId);
    if (!key) {
      throw new AppError({
        code: 'CRYPTO_KEY_UNKNOWN', status: 500, zh: `数据由密钥 ${keyId} 加密，但该密钥未配置`, en: `The value was encrypted with key ${keyId}, which is not configured`,
        details: { keyId, aad, configured: this.ring.ids() },
      });
    }
    try {
      // A fixed tag length: GCM would otherwise accept a truncated tag, which is easier to forge.
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // GCM does not say which: a different key under the same id, a changed byte, or a value moved from another column.
      throw new AppError({ code: 'CRYPTO_DECRYPT_FAILED', status: 500, zh: '数据解密失败（密钥不符或数据被篡改）', en: 'Decryption failed (wrong key or tampered value)', details: { keyId, aad } });
    }
  }

  /** Whether a stored value should be rewritten: plaintext, malformed, or encrypted with a key other than the current one. */
  needsRekey(stored: string): boolean {
    return this.keyIdOf(stored) !== this.ring.current.id;
  }

  /** The key id a stored value was encrypted with, or null for plaintext and malformed values. */
  keyIdOf(stored: string): string | null {
    if (!stored.startsWith(PREFIX)) return null;
    return ENCRYPTED.exec(stored)?.[1] ?? null;
  }

  /** Keyed hash (HMAC-SHA256, 32 base64url characters) for finding equal values without storing them readable. */
  keyedHash(value: string): string {
    return createHmac('sha256', this.hashKey).update(value, 'utf8').digest('base64url').slice(0, 32);
  }
}

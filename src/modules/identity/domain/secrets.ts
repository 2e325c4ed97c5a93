import { createHash, randomBytes } from 'node:crypto';

/** Prefix of API token secrets: recognisable in configuration files and by secret scanners. */
export const TOKEN_PREFIX = 'clt_';

/** A fresh API token secret: `clt_` + 32 random bytes in base64url. */
export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** A fresh session secret (the cookie value): 32 random bytes in base64url. */
export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored for a secret: its SHA-256 in hex. Secrets are random, so no salt or slow hash is needed. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The part of a token shown in lists so people can tell tokens apart; never enough to use it. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, Math.min(12, Math.floor(secret.length / 3)));
}

/** A generated password: 18 random bytes in base64url (24 characters, 144 bits). */
export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Usernames: lowercase letters, digits, dot, dash, underscore; 2–40 characters, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,39}$/;

/** Usernames compare case-insensitively; they are stored lowercased. */
export function normalizeUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(username: string, password: string): { zh: string; en: string } | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return { zh: `密码至少 ${PASSWORD_MIN_LENGTH} 个字符`, en: `The password needs at least ${PASSWORD_MIN_LENGTH} characters` };
  if (password.length > PASSWORD_MAX_LENGTH) return { zh: `密码最多 ${PASSWORD_MAX_LENGTH} 个字符`, en: `The password may have at most ${PASSWORD_MAX_LENGTH} characters` };
  if (password.trim().toLowerCase() === username.trim().toLowerCase()) return { zh: '密码不能与用户名相同', en: 'The password must differ from the username' };
  return null;
}

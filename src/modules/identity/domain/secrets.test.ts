import { describe, expect, it } from 'vitest';
import { displayPrefix, newPassword, newSessionSecret, newTokenSecret, normalizeUsername, passwordProblem, secretHash, USERNAME_PATTERN } from './secrets.ts';

describe('secrets and passwords', () => {
  it('makes token secrets clt_ + 32 random bytes in base64url, different each time', () => {
    const a = newTokenSecret();
    expect(a).toMatch(/^clt_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(4), 'base64url')).toHaveLength(32);
    expect(newTokenSecret()).not.toBe(a);
    expect(newSessionSecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('stores a SHA-256 hex digest of a secret, never the secret', () => {
    const secret = newTokenSecret();
    const h = secretHash(secret);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toContain(secret.slice(4, 12));
    expect(secretHash(secret)).toBe(h);
  });

  it('shows a short prefix that cannot be used as the token', () => {
    const secret = newTokenSecret();
    expect(displayPrefix(secret)).toBe(secret.slice(0, 12));
    expect(displayPrefix('demo-open311-key')).toBe('demo-');
  });

  it('generates strong passwords that pass the policy', () => {
    const p = newPassword();
    expect(p).toHaveLength(24);
    expect(passwordProblem('someone', p)).toBeNull();
  });

  it('refuses passwords shorter than 10 characters or equal to the username', () => {
    expect(passwordProblem('wang', '123456789')?.en).toMatch(/at least 10/);
    expect(passwordProblem('wang.xiaoming', 'Wang.Xiaoming')?.en).toMatch(/differ from the username/);
    expect(passwordProblem('wang', '一二三四五六七八九十')).toBeNull();
  });

  it('normalizes usernames to lowercase and accepts only the username alphabet', () => {
    expect(normalizeUsername('  Wang.XM ')).toBe('wang.xm');
    expect(USERNAME_PATTERN.test('wang.xm')).toBe(true);
    expect(USERNAME_PATTERN.test("x' or 1=1 --")).toBe(false);
    expect(USERNAME_PATTERN.test('a')).toBe(false);
  });
});

import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

// ulid's default PRNG asks the OS for randomness once per character (16 times an id); a pool of
// random bytes refilled 4 KiB at a time gives the same quality for a fraction of the cost.
const pool = new Uint8Array(4096);
let at = pool.length;
const prng = (): number => {
  if (at >= pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  return pool[at++]! / 256;
};

const now = monotonicFactory(prng);
let atMs = -1;
let atFactory = monotonicFactory(prng);

/**
 * A prefixed, time-sortable id, e.g. `cas_01JF…`. Ids made for the same instant (a historical time,
 * or one draft's clock reading) are monotonic too, so creation order survives sorting by id.
 */
export function newId(prefix: string, instant?: Date): string {
  if (!instant) return `${prefix}_${now()}`;
  const ms = instant.getTime();
  if (ms !== atMs) {
    // A fresh factory per instant: a monotonic factory would otherwise carry a later time forward.
    atMs = ms;
    atFactory = monotonicFactory(prng);
  }
  return `${prefix}_${atFactory(ms)}`;
}

/** True when `id` looks like an id with this prefix (cheap shape check before a lookup). */
export function isId(prefix: string, id: string): boolean {
  return id.length === prefix.length + 27 && id.startsWith(`${prefix}_`) && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id.slice(prefix.length + 1));
}

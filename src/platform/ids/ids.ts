import { monotonicFactory } from 'ulid';

const now = monotonicFactory();
let atMs = -1;
let atFactory = monotonicFactory();

/**
 * A prefixed, time-sortable id, e.g. `cas_01JF…`. Ids made for the same instant (a historical time,
 * or one draft's clock reading) are monotonic too, so creation order survives sorting by id.
 */
export function newId(prefix: string, at?: Date): string {
  if (!at) return `${prefix}_${now()}`;
  const ms = at.getTime();
  if (ms !== atMs) {
    // A fresh factory per instant: a monotonic factory would otherwise carry a later time forward.
    atMs = ms;
    atFactory = monotonicFactory();
  }
  return `${prefix}_${atFactory(ms)}`;
}

/** True when `id` looks like an id with this prefix (cheap shape check before a lookup). */
export function isId(prefix: string, id: string): boolean {
  return id.length === prefix.length + 27 && id.startsWith(`${prefix}_`) && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id.slice(prefix.length + 1));
}

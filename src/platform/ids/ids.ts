import { monotonicFactory, ulid } from 'ulid';

const next = monotonicFactory();

/** A prefixed, time-sortable id, e.g. `cas_01JF…`. Prefix is 3 lowercase letters by convention. */
export function newId(prefix: string, at?: Date): string {
  // A historical instant gets a plain ULID at that time; "now" uses the monotonic factory so ids made
  // in the same millisecond still sort in creation order.
  return `${prefix}_${at ? ulid(at.getTime()) : next()}`;
}

/** True when `id` looks like an id with this prefix (cheap shape check before a lookup). */
export function isId(prefix: string, id: string): boolean {
  return id.length === prefix.length + 27 && id.startsWith(`${prefix}_`) && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id.slice(prefix.length + 1));
}

/**
 * Characters the databases cannot hold the same way: NUL (PostgreSQL refuses it) and unpaired UTF-16
 * surrogates (UTF-8 storage turns them into replacement characters, differently per engine).
 */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BAD_TEXT_ALL = new RegExp(BAD_TEXT.source, 'g');

/** True when the string holds NUL or an unpaired surrogate. */
export function hasBadText(text: string): boolean {
  return BAD_TEXT.test(text);
}

/** Drop NUL and replace unpaired surrogates with U+FFFD (for files, where refusing a row is too harsh). */
export function cleanText(text: string): string {
  return text.replace(BAD_TEXT_ALL, (m) => (m === '\u0000' ? '' : '\uFFFD'));
}

/** Path of the first string (key or value) with bad text in a parsed JSON value, '' for the root, or null. */
export function findBadText(value: unknown, path = '', depth = 0): string | null {
  if (depth > 64) return null;
  if (typeof value === 'string') return hasBadText(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findBadText(value[i], path ? `${path}.${i}` : String(i), depth + 1);
      if (hit !== null) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (hasBadText(k)) return at;
      const hit = findBadText(v, at, depth + 1);
      if (hit !== null) return hit;
    }
  }
  return null;
}

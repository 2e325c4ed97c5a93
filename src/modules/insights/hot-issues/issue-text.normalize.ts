import { cleanText } from '../../../platform/text/text-safety.ts';
import { toSimplified } from '../text/traditional-chars.ts';

/** Longest input looked at: a pasted novel must not cost more than a long complaint. */
export const MAX_ANALYSED_CHARS = 4_000;

const ENTITIES: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", ldquo: '“', rdquo: '”', middot: '·', hellip: '…' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (m, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      // Surrogates and out-of-range code points would make new bad text; drop them.
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : ' ';
    }
    return ENTITIES[body.toLowerCase()] ?? m;
  });
}

/**
 * Text as the miner compares it: markup, emoji and control characters gone, full-width forms folded
 * (ＡＢ１ → AB1), traditional characters simplified, whitespace collapsed, at most MAX_ANALYSED_CHARS.
 * Never throws; anything that is not a string is treated as empty.
 */
export function normalizeIssueText(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0) return '';
  // Cut early (with room for markup that will be stripped) so regexes never see megabytes.
  let t = cleanText(raw.length > MAX_ANALYSED_CHARS * 4 ? raw.slice(0, MAX_ANALYSED_CHARS * 4) : raw);
  t = t
    .replace(/<(script|style)\b[^>]{0,200}>[\s\S]{0,20000}?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]{0,20000}?-->/g, ' ')
    .replace(/<\/?[a-z][^<>]{0,500}>/gi, ' ');
  t = decodeEntities(t);
  t = t.normalize('NFKC');
  t = toSimplified(t);
  t = t
    .replace(/\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f|\u20e3/gu, ' ')
    .replace(/[\p{Cc}\p{Cf}\p{Co}\uFFFD]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (t.length <= MAX_ANALYSED_CHARS) return t;
  // A cut inside a surrogate pair leaves half a character: drop it.
  return cleanText(t.slice(0, MAX_ANALYSED_CHARS)).replace(/\uFFFD/g, '');
}

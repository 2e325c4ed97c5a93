import { cleanText } from '../../../platform/text/text-safety.ts';
import { TRADITIONAL_TO_SIMPLIFIED } from './traditional-chars.ts';

/** Longest text analysed; the rest of a pasted document adds nothing to a category or a match. */
export const MAX_TEXT_CHARS = 10_000;

/** What normalisation had to do to a text, so callers can say so instead of failing. */
export interface NormalizeNotes {
  /** The input was longer than MAX_TEXT_CHARS and was cut. */
  truncated: boolean;
  /** Markup was removed. */
  html: boolean;
  /** How many traditional characters were mapped to simplified ones. */
  traditional: number;
  /** Nothing analysable remained (empty, whitespace, only emoji or markup). */
  empty: boolean;
}

const ENTITIES: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", ldquo: '“', rdquo: '”', hellip: '…', mdash: '—', middot: '·' };
// Bounded repetitions: a pasted page with thousands of unclosed tags stays linear.
const TAG = /<\/?[a-zA-Z][^<>]{0,500}>|<!--[\s\S]{0,20000}?-->/g;
const SCRIPT = /<(script|style)\b[^>]{0,200}>[\s\S]{0,20000}?<\/\1\s*>/gi;
const ENTITY = /&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,8});/g;
// Pictographs, their modifiers and joiners say nothing about a matter; keycap digits keep their digit.
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u{FE0E}|\u{FE0F}|\u{200D}|\u{20E3}/gu;
// Control, format (zero-width) and private-use characters, and the replacement character.
const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\uFFFD]/gu;
const SPACE = /[\s\u3000]+/g;
const FULL_WIDTH = /[\uff01-\uff5e]/g;
const COMPATIBILITY = /[\u00a0-\u00bf\u2070-\u209f\u2100-\u218f\u2460-\u24ff\u2e80-\u2fdf\u3200-\u33ff\uf900-\ufaff\ufe10-\ufe6f\uff5f-\uffef]|[\u{1d400}-\u{1d7ff}\u{2f800}-\u{2fa1f}]/u;
// One native pass finds the traditional characters; most messages have none.
const TRADITIONAL = new RegExp(`[${[...TRADITIONAL_TO_SIMPLIFIED.keys()].map((c) => String.fromCodePoint(c)).join('')}]`, 'gu');

function decodeEntity(_m: string, body: string): string {
  if (body.startsWith('#x') || body.startsWith('#X')) return safeCodePoint(parseInt(body.slice(2), 16));
  if (body.startsWith('#')) return safeCodePoint(parseInt(body.slice(1), 10));
  return ENTITIES[body.toLowerCase()] ?? `&${body};`;
}

function safeCodePoint(n: number): string {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && (n < 0xd800 || n > 0xdfff) ? String.fromCodePoint(n) : ' ';
}

/** Cut at a length without leaving half of a surrogate pair behind. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? max - 1 : max;
  return text.slice(0, end);
}

/** How a caller wants citizens' text brought to one form (the steps themselves are shared). */
export interface CleanTextOptions {
  /** Longest text kept (cut without splitting a surrogate pair). */
  max: number;
  /** Fold case (the classifier, duplicates); the hot-issue miner keeps it (A3区, 5G). */
  lowerCase: boolean;
  /** Map traditional characters to simplified ones (default true). */
  mapTraditional?: boolean;
  /**
   * Full NFKC on every text (the miner: … → ...); otherwise only when a compatibility character
   * other than full-width ASCII is present, full-width forms being folded directly (faster).
   */
  fullNfkc?: boolean;
}

/**
 * The one cleaning of citizens' text shared by every insights feature: markup, scripts and entities
 * removed, emoji, joiners and control or format characters dropped, full-width forms folded (NFKC),
 * traditional characters mapped to simplified (counted), runs of space collapsed, at most `max`
 * characters. Never throws; anything that is not a string is empty.
 */
export function cleanCitizenText(input: unknown, options: CleanTextOptions): { text: string; notes: NormalizeNotes } {
  const { max } = options;
  const notes: NormalizeNotes = { truncated: false, html: false, traditional: 0, empty: false };
  if (typeof input !== 'string' || input.length === 0) {
    notes.empty = true;
    return { text: '', notes };
  }
  // Markup can be long before the text it wraps: cut generously first, exactly at the end.
  let s = cleanText(input.length > max * 4 ? cut(input, max * 4) : input);
  if (input.length > max) notes.truncated = true;
  if (s.includes('<') || s.includes('&')) {
    const stripped = s.replace(SCRIPT, ' ').replace(TAG, ' ');
    if (stripped !== s) notes.html = true;
    s = stripped.replace(ENTITY, decodeEntity);
  }
  s = s.replace(EMOJI, ' ').replace(CONTROL, ' ');
  if (options.fullNfkc) s = s.normalize('NFKC');
  else s = COMPATIBILITY.test(s) ? s.normalize('NFKC') : s.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (options.lowerCase) s = s.toLowerCase();
  if (options.mapTraditional ?? true) {
    s = s.replace(TRADITIONAL, (ch) => {
      notes.traditional += 1;
      return TRADITIONAL_TO_SIMPLIFIED.get(ch.codePointAt(0) as number) ?? ch;
    });
  }
  let out = s.replace(SPACE, ' ').trim();
  if (out.length > max) {
    out = cut(out, max);
    notes.truncated = true;
  }
  notes.empty = !/[\p{L}\p{N}]/u.test(out);
  return { text: out, notes };
}

/**
 * Bring a citizen's text to one canonical form for the classifier and the duplicate finder:
 * `cleanCitizenText` with case folded, at most MAX_TEXT_CHARS. Never throws.
 */
export function normalizeText(input: string | null | undefined, max = MAX_TEXT_CHARS, options: { mapTraditional?: boolean } = {}): { text: string; notes: NormalizeNotes } {
  return cleanCitizenText(input, { max, lowerCase: true, ...(options.mapTraditional === undefined ? {} : { mapTraditional: options.mapTraditional }) });
}

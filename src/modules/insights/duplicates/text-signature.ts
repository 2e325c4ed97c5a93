import { normalizeText } from '../text/text-normalize.ts';
import { fmix, isBreak } from '../text/text-features.ts';

/** MinHash slots per text (b-bit: 16 bits kept per slot); 32 = 2^(32 − SLOT_SHIFT). */
export const MINHASH_SLOTS = 32;
/** At most this many distinct title bigrams are kept. */
export const MAX_TITLE_GRAMS = 64;
/** Weight of the title in the similarity; the rest is the text. Chosen on the labelled set (docs/insights-classification.md). */
export const TITLE_WEIGHT = 0.6;

/** Compact fingerprint of a message: exact title bigrams and a MinHash of the text's bigrams. */
export interface TextSignature {
  /** Distinct 16-bit hashes of the title's character bigrams, ascending. */
  title: Uint16Array;
  /** MinHash of the text's character bigram set, MINHASH_SLOTS values. */
  text: Uint16Array;
  /** False when the text had no bigram (empty, only emoji …). */
  hasText: boolean;
}

// 32 slots: the top 5 bits of a hash pick the slot, the other 27 are its value.
const SLOT_SHIFT = 27;
const VALUE_MASK = 0x07ffffff;

/** Call `visit` with the 32-bit hash of each character bigram of a normalised text, pairs across punctuation skipped. */
function eachBigramHash(text: string, visit: (hash: number) => void): void {
  let prev = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isBreak(c)) {
      prev = -1;
      continue;
    }
    if (prev >= 0) visit(fmix(Math.imul(prev, 0x01000193) ^ c));
    prev = c;
  }
}

/** 32-bit hashes of the distinct character bigrams of a normalised text (pairs across punctuation skipped), ascending. */
export function bigramHashes(text: string): Uint32Array {
  const out = new Uint32Array(Math.max(0, text.length - 1));
  let n = 0;
  eachBigramHash(text, (h) => {
    out[n++] = h;
  });
  const sorted = out.subarray(0, n).sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[m++] = sorted[i] as number;
  return sorted.slice(0, m);
}

/**
 * MinHash (16 bits per slot) of a hash set by one-permutation hashing (Li et al. 2012): the top bits of
 * each hash pick a slot, the slot keeps its smallest value; empty slots borrow from the next filled slot
 * to the right (densification), so short texts compare too. One pass instead of one hash per slot.
 * All 0xffff when the set is empty.
 */
export function minhash(hashes: Uint32Array): Uint16Array {
  const mins = new Uint32Array(MINHASH_SLOTS).fill(0xffffffff);
  for (let i = 0; i < hashes.length; i++) {
    const x = hashes[i] as number;
    const slot = x >>> SLOT_SHIFT;
    const v = x & VALUE_MASK;
    if (v < (mins[slot] as number)) mins[slot] = v;
  }
  return densify(mins, hashes.length);
}

/** Slot minima to 16-bit values; an empty slot borrows from the next filled slot to the right. */
function densify(mins: Uint32Array, count: number): Uint16Array {
  const out = new Uint16Array(MINHASH_SLOTS).fill(0xffff);
  if (count === 0) return out;
  for (let k = 0; k < MINHASH_SLOTS; k++) {
    let j = k;
    let hops = 0;
    while (mins[j] === 0xffffffff) {
      j = (j + 1) % MINHASH_SLOTS;
      hops++;
    }
    // The hop count is mixed in, so a borrowed value matches only a slot that borrowed the same way.
    out[k] = (((mins[j] as number) >>> 11) ^ Math.imul(hops, 0x9e37)) & 0xffff;
  }
  return out;
}

/** The title a case gets when none is given (as the cases module derives it): the first 30 characters of the text. */
export function derivedTitle(title: string | null | undefined, text: string): string {
  const t = (title ?? '').trim();
  return t || [...text.replace(/\s+/g, ' ')].slice(0, 30).join('');
}

/** MinHash of the bigrams of a normalised text in one pass (duplicates are harmless: a minimum is a minimum). */
function textMinhash(text: string): { sig: Uint16Array; bigrams: number } {
  const mins = new Uint32Array(MINHASH_SLOTS).fill(0xffffffff);
  let bigrams = 0;
  eachBigramHash(text, (x) => {
    const slot = x >>> SLOT_SHIFT;
    const v = x & VALUE_MASK;
    if (v < (mins[slot] as number)) mins[slot] = v;
    bigrams++;
  });
  return { sig: densify(mins, bigrams), bigrams };
}

/** Signature of a message (title optional: derived from the text like the cases module does). */
export function textSignature(title: string | null | undefined, text: string): TextSignature {
  const b = normalizeText(text).text;
  const t = title && title.trim() ? normalizeText(title).text : normalizeText(derivedTitle(null, text)).text;
  const titleHashes = bigramHashes(t);
  const title16 = new Uint16Array(Math.min(MAX_TITLE_GRAMS, titleHashes.length));
  let n = 0;
  for (let i = 0; i < titleHashes.length && n < title16.length; i++) title16[n++] = (titleHashes[i] as number) & 0xffff;
  const distinct = title16.subarray(0, n).sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || distinct[i] !== distinct[i - 1]) distinct[m++] = distinct[i] as number;
  const text16 = textMinhash(b);
  return { title: distinct.slice(0, m), text: text16.sig, hasText: text16.bigrams > 0 };
}

/** Exact Jaccard of two ascending 16-bit sets given as ranges of arrays. */
export function sortedJaccard(a: Uint16Array, aFrom: number, aTo: number, b: Uint16Array, bFrom: number, bTo: number): number {
  let i = aFrom;
  let j = bFrom;
  let inter = 0;
  while (i < aTo && j < bTo) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  const union = aTo - aFrom + (bTo - bFrom) - inter;
  return union > 0 ? inter / union : 0;
}

/** Estimated Jaccard from two MinHash signatures stored at offsets of flat arrays. */
export function minhashJaccard(a: Uint16Array, aOffset: number, b: Uint16Array, bOffset: number): number {
  let same = 0;
  for (let k = 0; k < MINHASH_SLOTS; k++) if (a[aOffset + k] === b[bOffset + k]) same++;
  return same / MINHASH_SLOTS;
}

/** Similarity of two messages in 0–1: weighted title Jaccard and estimated text Jaccard. */
export function signatureSimilarity(x: TextSignature, y: TextSignature): number {
  const title = sortedJaccard(x.title, 0, x.title.length, y.title, 0, y.title.length);
  const text = x.hasText && y.hasText ? minhashJaccard(x.text, 0, y.text, 0) : 0;
  return TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * text;
}

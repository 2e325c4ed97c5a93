import { segmentWords } from './word-segmenter.ts';

/** Which features a text yields; stored with a model so training and inference agree. */
export interface FeatureOptions {
  /** Hash space: 2^bits slots (the hashing trick: no vocabulary to store). */
  bits: number;
  /** Shortest and longest character n-gram. */
  charMin: number;
  charMax: number;
  /** jieba words (with the domain dictionary). */
  words: boolean;
  /** Pairs of adjacent words. */
  wordBigrams: boolean;
  /** The title also gets its own features (its n-grams in a separate namespace), this many times. */
  titleWeight: number;
  /** Every digit becomes 0 (dates, phone and house numbers say nothing about a category). */
  foldDigits: boolean;
}

export const DEFAULT_FEATURES: FeatureOptions = { bits: 18, charMin: 1, charMax: 3, words: true, wordBigrams: false, titleWeight: 1, foldDigits: true };

/** A sparse vector: parallel arrays of slot and value. */
export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
}

const SEED_CHAR = [0, 0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f, 0x165667b1];
const SEED_TITLE = 0x7f4a7c15;
const SEED_WORD = 0x2545f491;
const SEED_BIGRAM = 0x61c88647;

/** MurmurHash3's finaliser: spreads a 32-bit hash over all bits (features, signatures). */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const step = (h: number, c: number): number => Math.imul(h ^ c, 0x01000193);

/** Hash of a string in a namespace (words). */
export function hashString(s: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = step(h, s.charCodeAt(i));
  return fmix(h);
}

/** True for a UTF-16 unit that ends an n-gram: spaces, ASCII and CJK punctuation ("路灯。不亮" has no n-gram "灯。不"). */
export const isBreak = (c: number): boolean =>
  c <= 0x2f || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0xbf) || (c >= 0x2000 && c <= 0x206f) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20);

/**
 * Turns (title, text) into hashed feature counts. Not reentrant: one scratch buffer is reused so a
 * message costs no allocation beyond its result (inference runs for every keystroke pause).
 */
export class TextFeaturizer {
  readonly dim: number;
  private readonly mask: number;
  private readonly counts: Float32Array;
  private readonly touched: Int32Array;
  private nTouched = 0;
  private readonly window: Int32Array;

  constructor(readonly options: FeatureOptions) {
    this.dim = 2 ** options.bits;
    this.mask = this.dim - 1;
    this.counts = new Float32Array(this.dim);
    this.touched = new Int32Array(Math.min(this.dim, 1 << 20));
    this.window = new Int32Array(Math.max(1, options.charMax));
  }

  private add(h: number, w: number): void {
    const j = h & this.mask;
    if (this.counts[j] === 0 && this.nTouched < this.touched.length) this.touched[this.nTouched++] = j;
    this.counts[j] = (this.counts[j] as number) + w;
  }

  private chars(text: string, seed: number, w: number): void {
    const { charMin, charMax, foldDigits } = this.options;
    const win = this.window;
    let filled = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (isBreak(c)) {
        filled = 0;
        continue;
      }
      if (foldDigits && c >= 0x30 && c <= 0x39) c = 0x30;
      // Shift the window of the last charMax characters.
      for (let k = charMax - 1; k > 0; k--) win[k] = win[k - 1] as number;
      win[0] = c;
      if (filled < charMax) filled++;
      let h = seed ^ 0x811c9dc5;
      for (let n = 1; n <= filled; n++) {
        h = step(h, win[n - 1] as number);
        if (n >= charMin) this.add(fmix(h ^ (SEED_CHAR[n] as number)), w);
      }
    }
  }

  private words(words: readonly string[], seed: number, w: number): void {
    const { wordBigrams, foldDigits } = this.options;
    let prev = '';
    for (const raw of words) {
      const word = foldDigits ? raw.replace(/[0-9]/g, '0') : raw;
      this.add(hashString(word, seed ^ SEED_WORD), w);
      if (wordBigrams && prev) this.add(hashString(`${prev}\u0001${word}`, seed ^ SEED_BIGRAM), w);
      prev = word;
    }
  }

  /** Raw feature counts of a normalised title and text. */
  extract(title: string, text: string): SparseVector {
    this.nTouched = 0;
    const { words, titleWeight } = this.options;
    const titleWords = words && title ? segmentWords(title) : [];
    if (title) {
      this.chars(title, 0, 1);
      this.words(titleWords, 0, 1);
    }
    if (text) {
      this.chars(text, 0, 1);
      if (words) this.words(segmentWords(text), 0, 1);
    }
    if (title && titleWeight > 0) {
      this.chars(title, SEED_TITLE, titleWeight);
      this.words(titleWords, SEED_TITLE, titleWeight);
    }
    const n = this.nTouched;
    const index = new Int32Array(n);
    const value = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const j = this.touched[k] as number;
      index[k] = j;
      value[k] = this.counts[j] as number;
      this.counts[j] = 0;
    }
    return { index, value };
  }
}

/**
 * TF-IDF weighting with sublinear term frequency (1 + ln tf) and L2 normalisation, in place. Slots
 * never seen in training have idf 0 and drop out.
 */
export function tfidfInPlace(v: SparseVector, idf: Float32Array): SparseVector {
  let norm = 0;
  for (let k = 0; k < v.index.length; k++) {
    const tf = v.value[k] as number;
    const x = tf > 0 ? (1 + Math.log(tf)) * (idf[v.index[k] as number] as number) : 0;
    v.value[k] = x;
    norm += x * x;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < v.value.length; k++) v.value[k] = (v.value[k] as number) * inv;
  }
  return v;
}

/** Smooth idf (ln((1 + n) / (1 + df)) + 1) from document frequencies; unseen slots get 0. */
export function idfFromCounts(docs: readonly SparseVector[], dim: number): Float32Array {
  const df = new Uint32Array(dim);
  for (const d of docs) for (let k = 0; k < d.index.length; k++) df[d.index[k] as number]! += 1;
  const idf = new Float32Array(dim);
  const n = docs.length;
  for (let j = 0; j < dim; j++) {
    const f = df[j] as number;
    if (f > 0) idf[j] = Math.log((1 + n) / (1 + f)) + 1;
  }
  return idf;
}

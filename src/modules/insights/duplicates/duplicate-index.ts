import { DEFAULT_DUPLICATE_RULES, haversineMetres, longestWindowDays, ruleFor, type DuplicateRule } from './duplicate-rules.ts';
import { MINHASH_SLOTS, TITLE_WEIGHT, sortedJaccard, textSignature, type TextSignature } from './text-signature.ts';

/** What the index keeps of a case (the text only as a signature). */
export interface IndexedCase {
  caseId: string;
  number: string;
  title: string;
  text: string;
  categoryCode: string;
  state: string;
  lng: number | null;
  lat: number | null;
  /** ISO-8601. */
  receivedAt: string;
}

/** A message to find related cases for. */
export interface RelatedQuery {
  title?: string | null;
  text: string;
  lng?: number | null;
  lat?: number | null;
  /** When it was received, epoch ms. */
  at: number;
  /** Its category (chosen or predicted): picks the rule, and the category family searched when there is no place. */
  categoryCode?: string | null;
  excludeCaseId?: string;
  limit?: number;
}

/** A case that may be the same matter. */
export interface RelatedCandidate {
  caseId: string;
  number: string;
  state: string;
  categoryCode: string;
  receivedAt: string;
  /** Metres between the two places; null when either has no place. */
  distanceM: number | null;
  /** Text similarity 0–1 (weighted title Jaccard and text MinHash Jaccard). */
  similarity: number;
  /** Similarity at or above the duplicate threshold. */
  likelyDuplicate: boolean;
}

export interface DuplicateIndexOptions {
  rules?: readonly DuplicateRule[];
  /** Similarity from which a candidate is flagged as a likely duplicate. */
  duplicateThreshold?: number;
  /** Similarity from which a candidate is shown at all (same leaf category nearby is shown regardless). */
  relatedThreshold?: number;
}

/** Chosen on the labelled Teddy Cup pairs (see docs/insights-classification.md, "Duplicates"). */
export const DUPLICATE_THRESHOLD = 0.3;
export const RELATED_THRESHOLD = 0.15;

const ID_WIDTH = 40;
const CELL_DEG = 0.005;
const ALIVE = 1;
const HAS_TEXT = 2;
const DAY_MS = 86_400_000;
/** A title bigram shared by more cases than this within the window names no particular matter (小区, 问题): skipped. */
const COMMON_GRAM = 3_000;

const cellKey = (cx: number, cy: number, family: number): number => ((cx + 40_000) * 100_000 + (cy + 20_000)) * 1024 + family;
const topLevel = (code: string): string => code.split('.')[0] ?? code;
/** Key base of a family's title postings, cases with a place apart from those without. */
const postingBase = (family: number, withPlace: boolean): number => (family * 2 + (withPlace ? 1 : 0)) * 65_536;

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/*
 * Lists of slots ordered by time are Int32Arrays whose element 0 holds the count (no object per list:
 * there are hundreds of thousands of them).
 */
type SlotList = Int32Array;

/**
 * Recent cases in memory, columnar (typed arrays, about 300 bytes a case with its lists), for "same matter
 * near the same place within a time window". Candidates come from two places, both per top-level category
 * family and ordered by time: a grid of ~500 m cells (cases with a place), and an inverted index of title
 * bigrams (matches on text, with or without a place). Only candidates are scored. Not thread-safe; one
 * per process, fed by events.
 */
export class DuplicateIndex {
  private cap = 0;
  private n = 0;
  private alive = 0;
  private ids = new Uint8Array(0);
  private idLen = new Uint8Array(0);
  private numbers = new Float64Array(0);
  private readonly oddNumbers = new Map<number, string>();
  private received = new Float64Array(0);
  private lng = new Float32Array(0);
  private lat = new Float32Array(0);
  private category = new Uint16Array(0);
  private family = new Uint16Array(0);
  private state = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private titleStart = new Int32Array(0);
  private titleLen = new Uint8Array(0);
  private titlePool = new Uint16Array(0);
  private titleUsed = 0;
  private sigs = new Uint16Array(0);
  private table = new Int32Array(0);
  private counts = new Uint8Array(0);
  private readonly categories: string[] = [];
  private readonly categoryIds = new Map<string, number>();
  private readonly families: string[] = [];
  private readonly familyIds = new Map<string, number>();
  private readonly states: string[] = [];
  private readonly stateIds = new Map<string, number>();
  private cells = new Map<number, SlotList>();
  private postings = new Map<number, SlotList>();
  private rules: readonly DuplicateRule[];
  private windowMs: number;
  readonly duplicateThreshold: number;
  readonly relatedThreshold: number;

  constructor(options: DuplicateIndexOptions = {}) {
    this.rules = options.rules ?? DEFAULT_DUPLICATE_RULES;
    this.windowMs = longestWindowDays(this.rules) * DAY_MS;
    this.duplicateThreshold = options.duplicateThreshold ?? DUPLICATE_THRESHOLD;
    this.relatedThreshold = options.relatedThreshold ?? RELATED_THRESHOLD;
    this.grow(1024);
  }

  /** Cases in the index. */
  get size(): number {
    return this.alive;
  }

  /** Replace the space/time rules (the index keeps cases for the longest window). */
  setRules(rules: readonly DuplicateRule[]): void {
    this.rules = rules;
    this.windowMs = longestWindowDays(rules) * DAY_MS;
  }

  /** Days of history the index needs. */
  get windowDays(): number {
    return this.windowMs / DAY_MS;
  }

  private grow(min: number): void {
    const cap = Math.max(min, Math.ceil(this.cap * 1.5), 1024);
    const g = <T extends Float64Array | Float32Array | Uint16Array | Uint8Array | Int32Array>(old: T, make: (n: number) => T, width = 1): T => {
      const next = make(cap * width);
      next.set(old.subarray(0, this.n * width));
      return next;
    };
    this.ids = g(this.ids, (k) => new Uint8Array(k), ID_WIDTH);
    this.idLen = g(this.idLen, (k) => new Uint8Array(k));
    this.numbers = g(this.numbers, (k) => new Float64Array(k));
    this.received = g(this.received, (k) => new Float64Array(k));
    this.lng = g(this.lng, (k) => new Float32Array(k));
    this.lat = g(this.lat, (k) => new Float32Array(k));
    this.category = g(this.category, (k) => new Uint16Array(k));
    this.family = g(this.family, (k) => new Uint16Array(k));
    this.state = g(this.state, (k) => new Uint8Array(k));
    this.flags = g(this.flags, (k) => new Uint8Array(k));
    this.titleStart = g(this.titleStart, (k) => new Int32Array(k));
    this.titleLen = g(this.titleLen, (k) => new Uint8Array(k));
    this.sigs = g(this.sigs, (k) => new Uint16Array(k), MINHASH_SLOTS);
    this.counts = new Uint8Array(cap);
    this.cap = cap;
    this.rehash(cap * 2);
  }

  private rehash(size: number): void {
    let tableSize = 1;
    while (tableSize < size) tableSize <<= 1;
    this.table = new Int32Array(tableSize);
    for (let s = 0; s < this.n; s++) if ((this.flags[s] as number) & ALIVE) this.tableInsertHash(this.hashAt(s), s);
  }

  /** fnv() of the stored id, from its bytes (no string made). */
  private hashAt(slot: number): number {
    let h = 0x811c9dc5;
    const base = slot * ID_WIDTH;
    const len = this.idLen[slot] as number;
    for (let i = 0; i < len; i++) h = Math.imul(h ^ (this.ids[base + i] as number), 0x01000193);
    return h >>> 0;
  }

  private idAt(slot: number): string {
    const len = this.idLen[slot] as number;
    return String.fromCharCode(...this.ids.subarray(slot * ID_WIDTH, slot * ID_WIDTH + len));
  }

  private idEquals(slot: number, id: string): boolean {
    if (this.idLen[slot] !== id.length) return false;
    const base = slot * ID_WIDTH;
    for (let i = 0; i < id.length; i++) if (this.ids[base + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  private tableInsertHash(hash: number, slot: number): void {
    const mask = this.table.length - 1;
    for (let h = hash & mask; ; h = (h + 1) & mask) {
      if (this.table[h] === 0) {
        this.table[h] = slot + 1;
        return;
      }
    }
  }

  private find(id: string): number {
    const mask = this.table.length - 1;
    for (let h = fnv(id) & mask; ; h = (h + 1) & mask) {
      const v = this.table[h] as number;
      if (v === 0) return -1;
      if (this.idEquals(v - 1, id)) return (this.flags[v - 1] as number) & ALIVE ? v - 1 : -1;
    }
  }

  private intern(list: string[], ids: Map<string, number>, value: string): number {
    const known = ids.get(value);
    if (known !== undefined) return known;
    list.push(value);
    ids.set(value, list.length - 1);
    return list.length - 1;
  }

  /** Insert keeping the list ordered by time (cases mostly arrive in order: usually an append). */
  private listAdd(lists: Map<number, SlotList>, key: number, slot: number): void {
    let list = lists.get(key);
    if (!list) {
      list = new Int32Array(4);
      lists.set(key, list);
    }
    const n = list[0] as number;
    if (n + 1 >= list.length) {
      const next = new Int32Array(Math.max(4, Math.ceil(list.length * 1.5) + 1));
      next.set(list);
      list = next;
      lists.set(key, list);
    }
    const t = this.received[slot] as number;
    let i = n + 1;
    while (i > 1 && (this.received[list[i - 1] as number] as number) > t) i--;
    if (i <= n) list.copyWithin(i + 1, i, n + 1);
    list[i] = slot;
    list[0] = n + 1;
  }

  private listRemove(lists: Map<number, SlotList>, key: number, slot: number): void {
    const list = lists.get(key);
    if (!list) return;
    const n = list[0] as number;
    for (let i = 1; i <= n; i++) {
      if (list[i] !== slot) continue;
      list.copyWithin(i, i + 1, n + 1);
      list[0] = n - 1;
      if (n - 1 === 0) lists.delete(key);
      return;
    }
  }

  /** First position (1-based) whose time is > t (one past the end when none is). */
  private upperBound(list: SlotList, t: number): number {
    let lo = 1;
    let hi = (list[0] as number) + 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.received[list[mid] as number] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position (1-based) whose time is ≥ t. */
  private lowerBound(list: SlotList, t: number): number {
    let lo = 1;
    let hi = (list[0] as number) + 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.received[list[mid] as number] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private placeKey(slot: number): number {
    return cellKey(Math.floor((this.lng[slot] as number) / CELL_DEG), Math.floor((this.lat[slot] as number) / CELL_DEG), this.family[slot] as number);
  }

  /**
   * Title postings are kept per family and per "has a place": a located query judges located cases by
   * distance (the cell grid) and needs the text path only for cases without a place, so it never walks
   * the (usually far longer) located half.
   */
  private postingBase(slot: number): number {
    return postingBase(this.family[slot] as number, !Number.isNaN(this.lat[slot] as number));
  }

  /** Put a slot into the cell grid and the title postings of its family. */
  private link(slot: number): void {
    if (!Number.isNaN(this.lat[slot] as number)) this.listAdd(this.cells, this.placeKey(slot), slot);
    const base = this.postingBase(slot);
    const start = this.titleStart[slot] as number;
    for (let i = 0; i < (this.titleLen[slot] as number); i++) this.listAdd(this.postings, base + (this.titlePool[start + i] as number), slot);
  }

  private unlink(slot: number): void {
    if (!Number.isNaN(this.lat[slot] as number)) this.listRemove(this.cells, this.placeKey(slot), slot);
    const base = this.postingBase(slot);
    const start = this.titleStart[slot] as number;
    for (let i = 0; i < (this.titleLen[slot] as number); i++) this.listRemove(this.postings, base + (this.titlePool[start + i] as number), slot);
  }

  /** Add a case, or refresh its state and category when it is already there. Returns false for ids it cannot hold. */
  add(c: IndexedCase): boolean {
    if (c.caseId.length > ID_WIDTH || !/^[\x21-\x7e]+$/.test(c.caseId)) return false;
    const at = Date.parse(c.receivedAt);
    if (!Number.isFinite(at)) return false;
    if (this.find(c.caseId) >= 0) {
      this.update(c.caseId, { state: c.state, categoryCode: c.categoryCode });
      return true;
    }
    if (this.n >= this.cap) this.grow(this.n + 1);
    if (this.alive * 2 + 2 > this.table.length) this.rehash(this.table.length * 2);
    const slot = this.n++;
    const base = slot * ID_WIDTH;
    for (let i = 0; i < c.caseId.length; i++) this.ids[base + i] = c.caseId.charCodeAt(i);
    this.idLen[slot] = c.caseId.length;
    if (/^[1-9]\d{0,14}$/.test(c.number)) this.numbers[slot] = Number(c.number);
    else {
      this.numbers[slot] = -1;
      this.oddNumbers.set(slot, c.number);
    }
    this.received[slot] = at;
    const located = typeof c.lng === 'number' && typeof c.lat === 'number' && Number.isFinite(c.lng) && Number.isFinite(c.lat);
    this.lng[slot] = located ? (c.lng as number) : Number.NaN;
    this.lat[slot] = located ? (c.lat as number) : Number.NaN;
    this.category[slot] = this.intern(this.categories, this.categoryIds, c.categoryCode);
    this.family[slot] = this.intern(this.families, this.familyIds, topLevel(c.categoryCode));
    this.state[slot] = this.intern(this.states, this.stateIds, c.state);
    const sig = textSignature(c.title, c.text);
    this.flags[slot] = ALIVE | (sig.hasText ? HAS_TEXT : 0);
    this.sigs.set(sig.text, slot * MINHASH_SLOTS);
    if (this.titleUsed + sig.title.length > this.titlePool.length) {
      const next = new Uint16Array(Math.max(this.titlePool.length * 1.5, this.titleUsed + sig.title.length, 16_384));
      next.set(this.titlePool.subarray(0, this.titleUsed));
      this.titlePool = next;
    }
    this.titlePool.set(sig.title, this.titleUsed);
    this.titleStart[slot] = this.titleUsed;
    this.titleLen[slot] = sig.title.length;
    this.titleUsed += sig.title.length;
    this.tableInsertHash(fnv(c.caseId), slot);
    this.alive++;
    this.link(slot);
    return true;
  }

  /** Keep the state (and category) of an indexed case current; unknown ids are ignored. */
  update(caseId: string, change: { state?: string; categoryCode?: string }): boolean {
    const slot = this.find(caseId);
    if (slot < 0) return false;
    if (change.state) this.state[slot] = this.intern(this.states, this.stateIds, change.state);
    if (change.categoryCode && this.categories[this.category[slot] as number] !== change.categoryCode) {
      const family = this.intern(this.families, this.familyIds, topLevel(change.categoryCode));
      if (family !== this.family[slot]) {
        this.unlink(slot);
        this.family[slot] = family;
        this.link(slot);
      }
      this.category[slot] = this.intern(this.categories, this.categoryIds, change.categoryCode);
    }
    return true;
  }

  /** True when the case is indexed. */
  has(caseId: string): boolean {
    return this.find(caseId) >= 0;
  }

  /** Drop cases received before `beforeMs` and reclaim their space (rebuilds the arrays and lists). */
  compact(beforeMs: number): number {
    const keep: number[] = [];
    for (let s = 0; s < this.n; s++) if ((this.flags[s] as number) & ALIVE && (this.received[s] as number) >= beforeMs) keep.push(s);
    const dropped = this.alive - keep.length;
    // Time order, so the lists are rebuilt by appending.
    keep.sort((a, b) => (this.received[a] as number) - (this.received[b] as number));
    const cap = Math.max(1024, Math.ceil(keep.length * 1.25));
    const pick = <T extends Float64Array | Float32Array | Uint16Array | Uint8Array | Int32Array>(old: T, make: (k: number) => T, width = 1): T => {
      const next = make(cap * width);
      keep.forEach((s, i) => next.set(old.subarray(s * width, s * width + width), i * width));
      return next;
    };
    let titleUsed = 0;
    for (const s of keep) titleUsed += this.titleLen[s] as number;
    const titlePool = new Uint16Array(Math.max(16_384, Math.ceil(titleUsed * 1.25)));
    const titleStart = new Int32Array(cap);
    let off = 0;
    keep.forEach((s, i) => {
      const len = this.titleLen[s] as number;
      titlePool.set(this.titlePool.subarray(this.titleStart[s] as number, (this.titleStart[s] as number) + len), off);
      titleStart[i] = off;
      off += len;
    });
    const odd = new Map<number, string>();
    keep.forEach((s, i) => {
      const v = this.oddNumbers.get(s);
      if (v !== undefined) odd.set(i, v);
    });
    this.ids = pick(this.ids, (k) => new Uint8Array(k), ID_WIDTH);
    this.idLen = pick(this.idLen, (k) => new Uint8Array(k));
    this.numbers = pick(this.numbers, (k) => new Float64Array(k));
    this.received = pick(this.received, (k) => new Float64Array(k));
    this.lng = pick(this.lng, (k) => new Float32Array(k));
    this.lat = pick(this.lat, (k) => new Float32Array(k));
    this.category = pick(this.category, (k) => new Uint16Array(k));
    this.family = pick(this.family, (k) => new Uint16Array(k));
    this.state = pick(this.state, (k) => new Uint8Array(k));
    this.flags = pick(this.flags, (k) => new Uint8Array(k));
    this.titleLen = pick(this.titleLen, (k) => new Uint8Array(k));
    this.sigs = pick(this.sigs, (k) => new Uint16Array(k), MINHASH_SLOTS);
    this.titleStart = titleStart;
    this.titlePool = titlePool;
    this.titleUsed = off;
    this.counts = new Uint8Array(cap);
    this.oddNumbers.clear();
    for (const [s, v] of odd) this.oddNumbers.set(s, v);
    this.cap = cap;
    this.n = keep.length;
    this.alive = keep.length;
    this.cells = new Map();
    this.postings = new Map();
    for (let s = 0; s < this.n; s++) this.link(s);
    this.rehash(cap * 2);
    return dropped;
  }

  /** Drop what no rule can reach any more (older than the longest window before `nowMs`, a day of slack). */
  prune(nowMs: number): number {
    return this.compact(nowMs - this.windowMs - DAY_MS);
  }

  /** Candidates for a new message: same matter (text), near the same place, within the category's window. */
  related(q: RelatedQuery): RelatedCandidate[] {
    const sig = textSignature(q.title, q.text);
    if (!sig.hasText && sig.title.length === 0) return [];
    const exclude = q.excludeCaseId ? this.find(q.excludeCaseId) : -1;
    return this.search(sig, q.lng ?? null, q.lat ?? null, q.at, q.categoryCode ?? null, exclude, q.limit ?? 5);
  }

  /** Candidates for an indexed case (on demand), from what the index holds of it. */
  relatedTo(caseId: string, limit = 10): RelatedCandidate[] | null {
    const slot = this.find(caseId);
    if (slot < 0) return null;
    const start = this.titleStart[slot] as number;
    const sig: TextSignature = {
      title: this.titlePool.slice(start, start + (this.titleLen[slot] as number)),
      text: this.sigs.slice(slot * MINHASH_SLOTS, (slot + 1) * MINHASH_SLOTS),
      hasText: ((this.flags[slot] as number) & HAS_TEXT) !== 0,
    };
    const lng = this.lng[slot] as number;
    const lat = this.lat[slot] as number;
    return this.search(sig, Number.isNaN(lng) ? null : lng, Number.isNaN(lat) ? null : lat, this.received[slot] as number, this.categories[this.category[slot] as number] as string, slot, limit);
  }

  private similarity(sig: TextSignature, slot: number): number {
    // Runs for every candidate: the title Jaccard reads the pool in place (no copy of the slot's set).
    const from = this.titleStart[slot] as number;
    const title = sortedJaccard(sig.title, 0, sig.title.length, this.titlePool, from, from + (this.titleLen[slot] as number));
    if (!sig.hasText || !((this.flags[slot] as number) & HAS_TEXT)) return TITLE_WEIGHT * title;
    const sigs = this.sigs;
    const q = sig.text;
    const base = slot * MINHASH_SLOTS;
    let same = 0;
    for (let k = 0; k < MINHASH_SLOTS; k++) if (q[k] === sigs[base + k]) same++;
    return TITLE_WEIGHT * title + ((1 - TITLE_WEIGHT) * same) / MINHASH_SLOTS;
  }

  private search(sig: TextSignature, lng: number | null, lat: number | null, at: number, categoryCode: string | null, exclude: number, limit: number): RelatedCandidate[] {
    const rule = ruleFor(this.rules, categoryCode);
    const from = at - rule.windowDays * DAY_MS;
    const to = at + rule.windowDays * DAY_MS;
    // The best `limit` so far, best first (a dense hot spot yields thousands of candidates: no map, no sort).
    // The grid (located cases) and the text path (cases without a place, for a located query) never
    // offer the same case twice.
    const top: Array<{ s: number; similarity: number; distanceM: number | null }> = [];
    const offer = (slot: number, similarity: number, distanceM: number | null): void => {
      if (limit <= 0) return;
      const beats = (x: { similarity: number; distanceM: number | null }) => similarity > x.similarity || (similarity === x.similarity && (distanceM ?? Infinity) < (x.distanceM ?? Infinity));
      if (top.length === limit && !beats(top[limit - 1] as (typeof top)[number])) return;
      let i = top.length === limit ? limit - 1 : top.length;
      while (i > 0 && beats(top[i - 1] as (typeof top)[number])) i--;
      top.splice(i, 0, { s: slot, similarity, distanceM });
      if (top.length > limit) top.pop();
    };
    const located = lng !== null && lat !== null;
    const known = categoryCode ? this.familyIds.get(topLevel(categoryCode)) : undefined;
    const families = categoryCode ? (known === undefined ? [] : [known]) : this.families.map((_, i) => i);
    if (located) {
      const r = rule.radiusM;
      const dLat = r / 111_320;
      const dLng = r / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
      const x0 = Math.floor((lng - dLng) / CELL_DEG);
      const x1 = Math.floor((lng + dLng) / CELL_DEG);
      const y0 = Math.floor((lat - dLat) / CELL_DEG);
      const y1 = Math.floor((lat + dLat) / CELL_DEG);
      for (const fam of families) {
        for (let cx = x0; cx <= x1; cx++) {
          for (let cy = y0; cy <= y1; cy++) {
            const list = this.cells.get(cellKey(cx, cy, fam));
            if (!list) continue;
            const n = list[0] as number;
            for (let i = this.lowerBound(list, from); i <= n; i++) {
              const s = list[i] as number;
              if ((this.received[s] as number) > to) break;
              if (s === exclude || !((this.flags[s] as number) & ALIVE)) continue;
              const sLat = this.lat[s] as number;
              const sLng = this.lng[s] as number;
              if (Math.abs(sLat - lat) > dLat || Math.abs(sLng - lng) > dLng) continue;
              const d = haversineMetres(lng, lat, sLng, sLat);
              if (d > r) continue;
              const sim = this.similarity(sig, s);
              const sameLeaf = categoryCode !== null && this.categories[this.category[s] as number] === categoryCode;
              if (sim >= this.relatedThreshold || sameLeaf) offer(s, sim, d);
            }
          }
        }
      }
    }
    // On text: cases sharing title bigrams, rare ones first; with a place, only cases that have none
    // (located ones were judged by distance above).
    const counts = this.counts;
    const touched: number[] = [];
    const useful = sig.title.length;
    for (const fam of families) {
      for (const withPlace of located ? [false] : [false, true]) {
        const base = postingBase(fam, withPlace);
        for (let g = 0; g < sig.title.length; g++) {
          const list = this.postings.get(base + (sig.title[g] as number));
          if (!list) continue;
          const start = this.lowerBound(list, from);
          const end = this.upperBound(list, to);
          if (end - start > COMMON_GRAM) continue;
          for (let i = start; i < end; i++) {
            const s = list[i] as number;
            if (counts[s] === 0) touched.push(s);
            if ((counts[s] as number) < 255) counts[s] = (counts[s] as number) + 1;
          }
        }
      }
    }
    // Two shared title bigrams make a candidate (one, for titles of one or two bigrams).
    const need = useful <= 2 ? 1 : 2;
    for (const s of touched) {
      const c = counts[s] as number;
      counts[s] = 0;
      if (c < need || s === exclude || !((this.flags[s] as number) & ALIVE)) continue;
      if (located && !Number.isNaN(this.lat[s] as number)) continue;
      const sim = this.similarity(sig, s);
      if (sim >= this.relatedThreshold) offer(s, sim, null);
    }
    return top.map(({ s, ...m }) => ({
      caseId: this.idAt(s),
      number: this.oddNumbers.get(s) ?? String(this.numbers[s]),
      state: this.states[this.state[s] as number] as string,
      categoryCode: this.categories[this.category[s] as number] as string,
      receivedAt: new Date(this.received[s] as number).toISOString(),
      distanceM: m.distanceM === null ? null : Math.round(m.distanceM),
      similarity: Math.round(m.similarity * 1000) / 1000,
      likelyDuplicate: m.similarity >= this.duplicateThreshold,
    }));
  }

  /** Approximate bytes held (typed arrays exactly, lists with their headers estimated). */
  memoryBytes(): number {
    let bytes = 0;
    for (const a of [this.ids, this.idLen, this.numbers, this.received, this.lng, this.lat, this.category, this.family, this.state, this.flags, this.titleStart, this.titleLen, this.titlePool, this.sigs, this.table, this.counts]) bytes += a.byteLength;
    for (const lists of [this.cells, this.postings]) for (const l of lists.values()) bytes += l.byteLength + 96;
    return bytes;
  }
}

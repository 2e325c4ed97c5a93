import { heatOf, type Heat } from './heat-index.ts';
import { normalizeIssueText } from './issue-text.normalize.ts';
import { topicsOf } from './issue-topics.ts';
import { keywordsOf } from './issue-words.ts';
import { extractPlaces, placeRank, type PlaceLevel, type PlaceMention, type TextPlaces } from './place-entities.extract.ts';

/**
 * Hot-issue mining (热点问题挖掘): messages of a period are grouped into issues — the same matter at
 * the same place or for the same group of people — and ranked by the heat index (heat-index.ts).
 *
 * 1. Each message gets its most specific place (a residential compound, an institution, a road, a
 *    street) from its subject, else from the start of its text (place-entities.extract.ts).
 * 2. Messages naming the same place form a block; inside a block they are clustered by what they are
 *    about: cosine similarity of character-bigram TF-IDF vectors of subject + opening, with the place
 *    names removed so that the matter, not the address, decides (丽发新城: 搅拌站 vs 断水 vs 道路).
 * 3. Clusters of different blocks merge when their places are the same place written differently
 *    (丽发新城小区 / 丽发小区, 万科魅力之城 / 魅力之城: one key inside the other) or are named
 *    together (伊景园滨河苑 ↔ 广铁集团), their matter is similar and their districts do not conflict.
 * 4. Messages with no place join by near-identical wording only.
 * Everything is deterministic: same messages and options → same issues.
 */

/** One message (留言) or case to mine. */
export interface HotIssueMessage {
  id: string;
  /** Case number or 留言编号, shown with the message. */
  number?: string | null;
  title: string;
  text: string;
  /** ISO-8601 instant. */
  receivedAt: string;
  /** Stable key of the requester (user name, keyed phone hash); null = anonymous (each counts once). */
  requesterKey?: string | null;
  likes?: number | null;
  dislikes?: number | null;
  categoryCode?: string | null;
  areaId?: string | null;
  /** Address as given at intake, when there is one: read like the text. */
  address?: string | null;
}

export interface MineOptions {
  /** Period start (inclusive), ISO-8601; default: the earliest message. */
  from?: string;
  /** Period end (exclusive), ISO-8601; default: just after the latest message. */
  to?: string;
  /** How many issues to return (default 10). */
  top?: number;
  /** Issues raised by fewer distinct requesters are not ranked (default 3): a hot issue is several voices. */
  minRequesters?: number;
  /** Similarity to join a cluster inside a place block (default 0.1). */
  joinSimilarity?: number;
  /** Similarity to merge clusters of related places (default 0.1). */
  mergeSimilarity?: number;
  /** Similarity for messages with no place to be grouped (default 0.6). */
  duplicateSimilarity?: number;
  /** Also return every cluster's message ids (for inspection). */
  debug?: boolean;
}

/** One message as listed under an issue. */
export interface HotIssueMember {
  id: string;
  number: string | null;
  title: string;
  receivedAt: string;
  likes: number;
  dislikes: number;
}

/** A ranked hot issue. */
export interface HotIssue {
  rank: number;
  heat: number;
  /** The factors of the heat (see heat-index.ts). */
  factors: Omit<Heat, 'heat'>;
  /** First and last message, ISO-8601. */
  firstAt: string;
  lastAt: string;
  /** Place or group, e.g. A市A2区丽发新城小区, A市经济学院学生; '' when none was found. */
  place: string;
  placeKind: 'place' | 'group' | 'none';
  /** One line: what the issue is about (from the most central message's subject). */
  description: string;
  keywords: string[];
  messageCount: number;
  requesterCount: number;
  likes: number;
  dislikes: number;
  /** The most central message's id. */
  centralId: string;
  /** Oldest first. */
  messages: HotIssueMember[];
}

export interface MineResult {
  issues: HotIssue[];
  /** Every cluster's message ids, largest first (only with options.debug). */
  clusters?: string[][];
  stats: { input: number; inPeriod: number; empty: number; withPlace: number; clusters: number; ranked: number; periodStart: string; periodEnd: string };
}

type Vec = { keys: Int32Array; weights: Float32Array };

interface Item {
  m: HotIssueMember;
  /** Kept out of the output: requesters are counted, never listed. */
  requesterKey: string | null;
  at: number;
  title: string;
  opening: string;
  primary: PlaceMention | null;
  mentions: string[];
  city: string | null;
  district: string | null;
  /** The district as written in the subject (more trustworthy than one found in the text). */
  titleDistrict: string | null;
  groups: string[];
  /** Groups of people named in the subject. */
  titleGroups: string[];
  categoryCode: string | null;
  vec: Vec | null;
}

interface Cluster {
  items: Item[];
  /** Centroid (sum of member vectors) while its block is clustered. */
  sum: Map<number, number> | null;
  /** The centroid's heaviest terms once the block is done, sorted by key: far smaller than a Map. */
  keys: Int32Array;
  weights: Float64Array;
  norm2: number;
  core: string;
  district: string | null;
  parent: Cluster | null;
}

const TITLE_CHARS = 80;
const OPENING_CHARS = 160;
const BODY_PLACE_CHARS = 400;
const BODY_RAW_CHARS = 1_200;
const MAX_COMMON_SHARE = 0.15;
const CENTROID_KEEP = 48;
// A single message rarely decides a merge: its centroid keeps fewer terms (most clusters are singletons).
const SINGLETON_KEEP = 16;
const EMPTY_KEYS = new Int32Array(0);
const EMPTY_WEIGHTS = new Float64Array(0);
const TOPIC_WEIGHT = 3.5;

/** Small integer per letter, digit or CJK character (0 = not a word character), so bigram keys stay small integers. */
function charIndex(code: number): number {
  if (code >= 0x3400 && code <= 0x9fff) return 37 + code - 0x3400;
  if (code >= 48 && code <= 57) return code - 47;
  if (code >= 65 && code <= 90) return code - 54;
  if (code >= 97 && code <= 122) return code - 86;
  return 0;
}
const CHAR_SPAN = 37 + 0x9fff - 0x3400 + 1;

/** Character bigrams of a text as integer keys, skipping pairs with punctuation or spaces. */
function bigrams(text: string, out: number[]): void {
  let prev = 0;
  for (let i = 0; i < text.length; i++) {
    const cur = charIndex(text.charCodeAt(i));
    if (prev !== 0 && cur !== 0) out.push(prev * CHAR_SPAN + cur);
    prev = cur;
  }
}

const ADMIN_TOKEN = /(?:西地省|[A-Z]\d{0,2}[市区县]|[\p{Script=Han}]{2,4}(?:省|市|自治州))/gu;

function blank(text: string, words: readonly string[]): string {
  let t = text.replace(ADMIN_TOKEN, ' ');
  for (const w of words) if (w.length >= 2) t = t.split(w).join(' ');
  return t;
}

function choosePrimary(title: TextPlaces, body: TextPlaces): PlaceMention | null {
  let best: PlaceMention | null = null;
  for (const p of title.places) if (!best || placeRank(p.level) > placeRank(best.level)) best = p;
  if (best) return best;
  // From the text only what it names repeatedly or names as a residential compound / institution:
  // a road mentioned in passing says little about where the matter is.
  const counts = new Map<string, { p: PlaceMention; n: number }>();
  for (const p of body.places) {
    const c = counts.get(p.core);
    if (c) c.n += 1;
    else counts.set(p.core, { p, n: 1 });
  }
  let pick: { p: PlaceMention; n: number } | null = null;
  for (const c of counts.values()) {
    const ok = placeRank(c.p.level) >= 3 || c.n >= 2;
    if (!ok) continue;
    if (!pick || placeRank(c.p.level) > placeRank(pick.p.level) || (placeRank(c.p.level) === placeRank(pick.p.level) && c.n > pick.n)) pick = c;
  }
  return pick?.p ?? null;
}

function prepare(msg: HotIssueMessage): Item | null {
  const title = normalizeIssueText(msg.title).slice(0, TITLE_CHARS);
  // Only the start of the text is read (places, opening): normalising a whole pasted document is waste.
  const body = normalizeIssueText(typeof msg.text === 'string' ? msg.text.slice(0, BODY_RAW_CHARS) : msg.text);
  if (title === '' && body === '') return null;
  const at = Date.parse(msg.receivedAt);
  if (!Number.isFinite(at)) return null;
  const tp = extractPlaces(title);
  const bodyHead = body.slice(0, BODY_PLACE_CHARS);
  const address = msg.address ? normalizeIssueText(msg.address).slice(0, 200) : '';
  const bp = extractPlaces(address ? `${address}。${bodyHead}` : bodyHead);
  const primary = choosePrimary(tp, bp);
  const mentions = [...new Set([...tp.places, ...bp.places].map((p) => p.core))];
  const names = [...tp.places, ...bp.places].map((p) => p.name).sort((a, b) => b.length - a.length);
  const opening = body.slice(0, OPENING_CHARS + 40);
  return {
    m: {
      id: msg.id,
      number: msg.number ?? null,
      title: title || body.slice(0, 40),
      receivedAt: new Date(at).toISOString(),
      likes: Math.max(0, Math.floor(Number(msg.likes ?? 0)) || 0),
      dislikes: Math.max(0, Math.floor(Number(msg.dislikes ?? 0)) || 0),
    },
    requesterKey: msg.requesterKey ?? null,
    at,
    title: blank(title, names),
    opening: blank(opening, names).slice(0, OPENING_CHARS),
    primary,
    mentions,
    city: tp.city ?? bp.city,
    district: tp.district ?? bp.district,
    titleDistrict: tp.district,
    groups: [...new Set([...tp.groups, ...bp.groups])],
    titleGroups: tp.groups,
    categoryCode: msg.categoryCode ?? null,
    vec: null,
  };
}

/** Every bigram seen in the period → a small slot number, with its document frequency and idf. */
interface Vocabulary {
  slots: Map<number, number>;
  df: number[];
  lastDoc: number[];
  idf: Float64Array;
}

function countGrams(vocab: Vocabulary, grams: readonly number[], doc: number): void {
  for (const g of grams) {
    let slot = vocab.slots.get(g);
    if (slot === undefined) {
      slot = vocab.df.length;
      vocab.slots.set(g, slot);
      vocab.df.push(0);
      vocab.lastDoc.push(-1);
    }
    if (vocab.lastDoc[slot] !== doc) {
      vocab.lastDoc[slot] = doc;
      vocab.df[slot]! += 1;
    }
  }
}

let scratch = new Int32Array(4096);

/** Term weights: subject bigrams count twice, opening bigrams once; log tf × idf, unit length. */
function vectorOf(item: Item, vocab: Vocabulary): Vec {
  // Slots × 2 + (1 for the subject): one sort gives term frequencies with the subject counted twice.
  const grams: number[] = [];
  bigrams(item.title, grams);
  const inTitle = grams.length;
  bigrams(item.opening, grams);
  if (scratch.length < grams.length) scratch = new Int32Array(grams.length * 2);
  for (let i = 0; i < grams.length; i++) scratch[i] = vocab.slots.get(grams[i]!)! * 4 + (i < inTitle ? 2 : 1);
  // A typed-array sort is numeric and allocation-free.
  const sorted = scratch.subarray(0, grams.length).sort();
  const keys: number[] = [];
  const weights: number[] = [];
  let norm = 0;
  for (let i = 0; i < sorted.length; ) {
    const slot = sorted[i]! >> 2;
    let n = 0;
    while (i < sorted.length && sorted[i]! >> 2 === slot) n += sorted[i++]! & 3;
    const w = vocab.idf[slot]!;
    if (w === 0) continue;
    const x = (1 + Math.log(n)) * w;
    keys.push(slot);
    weights.push(x);
    norm += x * x;
  }
  // Matters (issue-topics.ts) as extra dimensions with negative keys, about as heavy as a rare bigram.
  for (const [topic, n] of topicsOf(`${item.title} ${item.opening}`)) {
    const x = TOPIC_WEIGHT * (1 + Math.log(n));
    keys.push(-1 - topic);
    weights.push(x);
    norm += x * x;
  }
  const k = Math.sqrt(norm) || 1;
  const out = new Float32Array(weights.length);
  for (let i = 0; i < weights.length; i++) out[i] = weights[i]! / k;
  return { keys: Int32Array.from(keys), weights: out };
}

function dot(v: Vec, sum: ReadonlyMap<number, number>): number {
  let s = 0;
  for (let i = 0; i < v.keys.length; i++) s += v.weights[i]! * (sum.get(v.keys[i]!) ?? 0);
  return s;
}

function addTo(c: Cluster, item: Item): void {
  const v = item.vec!;
  let cross = 0;
  for (let i = 0; i < v.keys.length; i++) {
    const k = v.keys[i]!;
    const old = c.sum!.get(k) ?? 0;
    cross += old * v.weights[i]!;
    c.sum!.set(k, old + v.weights[i]!);
  }
  c.norm2 += 2 * cross + 1;
  c.items.push(item);
}

function centroidCosine(a: Cluster, b: Cluster): number {
  let s = 0;
  if (a.sum && b.sum) {
    const [small, big] = a.sum.size <= b.sum.size ? [a.sum, b.sum] : [b.sum, a.sum];
    for (const [k, w] of small) s += w * (big.get(k) ?? 0);
  } else {
    // Frozen centroids: a merge of two sorted key lists.
    let i = 0;
    let j = 0;
    while (i < a.keys.length && j < b.keys.length) {
      const d = a.keys[i]! - b.keys[j]!;
      if (d === 0) s += a.weights[i++]! * b.weights[j++]!;
      else if (d < 0) i++;
      else j++;
    }
  }
  return s / Math.sqrt(a.norm2 * b.norm2 || 1);
}

/** The k-th largest value (1-based) of a list, by selection: O(n) on average. */
function kthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return values[target]!;
}

/** Keep only the heaviest terms of a finished cluster, as sorted arrays: enough to compare, far less memory. */
function freeze(c: Cluster, terms: Iterable<[number, number]>, size: number): void {
  const keep = c.items.length > 1 ? CENTROID_KEEP : SINGLETON_KEEP;
  let entries = [...terms];
  if (size > keep) {
    const cut = kthLargest(Float64Array.from(entries, (e) => e[1]), keep);
    // Ties at the cut are broken by key order, so the result does not depend on insertion order.
    const above = entries.filter((e) => e[1] > cut);
    const ties = entries.filter((e) => e[1] === cut).sort((x, y) => x[0] - y[0]).slice(0, keep - above.length);
    entries = [...above, ...ties];
  }
  entries.sort((x, y) => x[0] - y[0]);
  c.keys = Int32Array.from(entries, (e) => e[0]);
  c.weights = Float64Array.from(entries, (e) => e[1]);
  let n2 = 0;
  for (const [, w] of entries) n2 += w * w;
  c.norm2 = n2;
  c.sum = null;
}

function root(c: Cluster): Cluster {
  let r = c;
  while (r.parent) r = r.parent;
  let x = c;
  while (x.parent && x.parent !== r) {
    const next: Cluster = x.parent;
    x.parent = r;
    x = next;
  }
  return r;
}

function mostCommon<T>(values: Iterable<T | null>): T | null {
  const counts = new Map<T, number>();
  let best: T | null = null;
  let bestN = 0;
  for (const v of values) {
    if (v === null) continue;
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > bestN) {
      best = v;
      bestN = n;
    }
  }
  return best;
}

/** A cluster's district: as its subjects say, else as at least two of its texts say. */
function districtOf(items: readonly Item[]): string | null {
  const fromTitles = mostCommon(items.map((i) => i.titleDistrict));
  if (fromTitles) return fromTitles;
  const fromText = mostCommon(items.map((i) => i.district));
  return fromText && items.filter((i) => i.district === fromText).length >= 2 ? fromText : null;
}

const INDEX_TERMS = 6;
const INDEX_LIST_CAP = 300;

/** The heaviest terms of a vector (ties by key, so the choice is deterministic). */
function topTerms(v: Vec, k: number): number[] {
  const best: number[] = [];
  const better = (a: number, b: number) => v.weights[a]! > v.weights[b]! || (v.weights[a] === v.weights[b] && v.keys[a]! < v.keys[b]!);
  for (let i = 0; i < v.keys.length; i++) {
    if (best.length === k && !better(i, best[k - 1]!)) continue;
    let j = best.length < k ? best.length : k - 1;
    best[j] = i;
    while (j > 0 && better(best[j]!, best[j - 1]!)) {
      const t = best[j - 1]!;
      best[j - 1] = best[j]!;
      best[j] = t;
      j--;
    }
  }
  return best.map((i) => v.keys[i]!);
}

/**
 * Leader clustering in arrival order: a message joins the most similar cluster at or above the
 * threshold, else starts one. Candidates come from an inverted index on each cluster's heaviest
 * terms, so a block of a million messages costs about as much as a million small blocks.
 */
function clusterBlock(items: Item[], threshold: number, vocab: Vocabulary): Cluster[] {
  // Vectors live only while their block is clustered: a million of them at once would not fit.
  for (const item of items) item.vec = vectorOf(item, vocab);
  const clusters: Cluster[] = [];
  const index = new Map<number, Cluster[]>();
  const stamp = new Map<Cluster, number>();
  let round = 0;
  for (const item of items) {
    round += 1;
    const terms = topTerms(item.vec!, INDEX_TERMS);
    let best: Cluster | null = null;
    let bestSim = threshold;
    const consider = (c: Cluster) => {
      if (stamp.get(c) === round) return;
      stamp.set(c, round);
      const sim = dot(item.vec!, c.sum!) / Math.sqrt(c.norm2 || 1);
      if (sim > bestSim || (sim === bestSim && best === null)) {
        best = c;
        bestSim = sim;
      }
    };
    if (clusters.length <= 64) for (const c of clusters) consider(c);
    else for (const t of terms) for (const c of index.get(t) ?? []) consider(c);
    let target: Cluster | null = best;
    if (!target) {
      target = { items: [], sum: new Map(), keys: EMPTY_KEYS, weights: EMPTY_WEIGHTS, norm2: 0, core: item.primary?.core ?? '', district: null, parent: null };
      clusters.push(target);
    }
    addTo(target, item);
    for (const t of terms) {
      const list = index.get(t) ?? [];
      if (list.length < INDEX_LIST_CAP && list.at(-1) !== target && !list.includes(target)) list.push(target);
      index.set(t, list);
    }
  }
  // Leader clustering depends on arrival order; a second look joins clusters that ended up alike.
  if (clusters.length > 1 && clusters.length <= 400) {
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const a = root(clusters[i]!);
        const b = root(clusters[j]!);
        if (a !== b && centroidCosine(a, b) >= threshold) mergeInto(a, b);
      }
    }
  }
  for (const item of items) item.vec = null;
  const out = clusters.filter((c) => !c.parent);
  for (const c of out) freeze(c, c.sum!, c.sum!.size);
  return out;
}

function mergeInto(a: Cluster, b: Cluster): void {
  // The bigger one absorbs the smaller one, so long chains stay short.
  const [big, small] = a.items.length >= b.items.length ? [a, b] : [b, a];
  if (big.sum && small.sum) {
    for (const [k, w] of small.sum) {
      const old = big.sum.get(k) ?? 0;
      big.norm2 += 2 * old * w + w * w;
      big.sum.set(k, old + w);
    }
  } else {
    const merged = new Map<number, number>();
    big.keys.forEach((k, i) => merged.set(k, big.weights[i]!));
    small.keys.forEach((k, i) => merged.set(k, (merged.get(k) ?? 0) + small.weights[i]!));
    for (const it of small.items) big.items.push(it);
    small.items = [];
    freeze(big, merged, merged.size);
    small.parent = big;
    small.keys = EMPTY_KEYS;
    small.weights = EMPTY_WEIGHTS;
    if (big.district === null) big.district = small.district;
    return;
  }
  for (const it of small.items) big.items.push(it);
  small.items = [];
  small.sum = null;
  small.parent = big;
  if (big.district === null) big.district = small.district;
}

/** Substrings of at least two characters (the key itself excluded). */
function innerKeys(core: string): string[] {
  const out: string[] = [];
  for (let len = 2; len < core.length; len++) for (let i = 0; i + len <= core.length; i++) out.push(core.slice(i, i + len));
  return out;
}

const DESCRIPTION_LEAD = /^(?:关于|反映|反应|投诉|举报|建议|咨询|请问|请求|请|恳请|希望|强烈要求|要求|申请|实名投诉|实名举报|对)+/;
const EDGE_PUNCTUATION = /^[\s,，。.、:：!！?？“”"'()（）-]+|[\s,，。.、:：!！?？“”"'()（）-]+$/g;

/**
 * One line from the most central subject: petition verbs, administrative units and the place names
 * at its front are dropped (the place has its own column), e.g.
 * 投诉A市A2区丽发新城小区附近搅拌站噪音扰民 → 附近搅拌站噪音扰民.
 */
function describe(raw: string, leading: readonly string[]): string {
  let d = raw.replace(EDGE_PUNCTUATION, '');
  for (let guard = 0; guard < 8; guard++) {
    const before = d;
    d = d.replace(DESCRIPTION_LEAD, '').replace(/^(?:[A-Z]\d{0,2}[市区县])+/, '');
    for (const w of leading) if (w && d.startsWith(w)) d = d.slice(w.length);
    d = d.replace(EDGE_PUNCTUATION, '');
    if (d === before) break;
  }
  if (d.length < 4) d = raw.replace(EDGE_PUNCTUATION, '');
  return d.length > 40 ? `${d.slice(0, 39)}…` : d;
}

/**
 * Group the messages of a period into hot issues and rank them by heat. Messages without a usable
 * text or time are skipped (counted in stats.empty), never an error.
 */
export async function mineHotIssues(messages: Iterable<HotIssueMessage> | AsyncIterable<HotIssueMessage>, options: MineOptions = {}): Promise<MineResult> {
  const fromMs = options.from ? Date.parse(options.from) : Number.NEGATIVE_INFINITY;
  const toMs = options.to ? Date.parse(options.to) : Number.POSITIVE_INFINITY;
  const top = options.top ?? 10;
  const minRequesters = options.minRequesters ?? 3;
  const joinAt = options.joinSimilarity ?? 0.1;
  const mergeAt = options.mergeSimilarity ?? 0.1;
  const dupAt = options.duplicateSimilarity ?? 0.6;

  // ── pass 1: normalise, find places, count bigram document frequencies ──
  const items: Item[] = [];
  const vocab: Vocabulary = { slots: new Map(), df: [], lastDoc: [], idf: new Float64Array(0) };
  let input = 0;
  let inPeriod = 0;
  let empty = 0;
  const seen: number[] = [];
  const count = (item: Item) => {
    seen.length = 0;
    bigrams(item.title, seen);
    bigrams(item.opening, seen);
    countGrams(vocab, seen, items.length);
  };
  for await (const msg of messages as AsyncIterable<HotIssueMessage>) {
    input += 1;
    const at = Date.parse(msg.receivedAt);
    if (!(at >= fromMs && at < toMs)) {
      if (!Number.isFinite(at)) empty += 1;
      continue;
    }
    inPeriod += 1;
    const item = prepare(msg);
    if (!item) {
      empty += 1;
      continue;
    }
    count(item);
    items.push(item);
  }
  items.sort((a, b) => a.at - b.at || (a.m.id < b.m.id ? -1 : a.m.id > b.m.id ? 1 : 0));
  const periodStart = Number.isFinite(fromMs) ? fromMs : (items[0]?.at ?? 0);
  const periodEnd = Number.isFinite(toMs) ? toMs : (items.at(-1)?.at ?? 0) + 1;

  const n = items.length;
  // Bigrams in more than 15% of the messages (小区, 反映, 问题 …) say nothing about a matter: weight 0.
  vocab.idf = new Float64Array(vocab.df.length);
  for (let slot = 0; slot < vocab.df.length; slot++) {
    const d = vocab.df[slot]!;
    if (d / Math.max(1, n) <= MAX_COMMON_SHARE || n < 20) vocab.idf[slot] = Math.log((n + 1) / (d + 1)) + 1;
  }
  vocab.lastDoc = [];

  // ── pass 2: cluster inside each place block ──
  const blocks = new Map<string, Item[]>();
  const loose: Item[] = [];
  for (const item of items) {
    if (!item.primary) {
      loose.push(item);
      continue;
    }
    const list = blocks.get(item.primary.core);
    if (list) list.push(item);
    else blocks.set(item.primary.core, [item]);
  }
  const byCore = new Map<string, Cluster[]>();
  const all: Cluster[] = [];
  for (const [core, list] of blocks) {
    const clusters = clusterBlock(list, joinAt, vocab);
    for (const c of clusters) {
      c.core = core;
      c.district = districtOf(c.items);
    }
    byCore.set(core, clusters);
    all.push(...clusters);
  }
  // Messages naming no place but a group of people (退休教师, 学生) cluster by matter within the group;
  // the rest only by near-identical wording.
  const groupBlocks = new Map<string, Item[]>();
  const rest: Item[] = [];
  for (const item of loose) {
    const g = item.titleGroups[0];
    if (g) (groupBlocks.get(g) ?? groupBlocks.set(g, []).get(g)!).push(item);
    else rest.push(item);
  }
  for (const list of groupBlocks.values()) all.push(...clusterBlock(list, joinAt, vocab));
  all.push(...clusterBlock(rest, dupAt, vocab));
  for (const c of all) if (!c.core) c.district = districtOf(c.items);

  // ── pass 3: merge clusters of related places ──
  const tryMerge = (a: Cluster, b: Cluster) => {
    const ra = root(a);
    const rb = root(b);
    if (ra === rb) return;
    if (ra.district && rb.district && ra.district !== rb.district) return;
    if (centroidCosine(ra, rb) >= mergeAt) mergeInto(ra, rb);
  };
  const cores = [...byCore.keys()].sort();
  for (const core of cores) {
    for (const inner of innerKeys(core)) {
      const others = byCore.get(inner);
      if (!others) continue;
      for (const a of byCore.get(core)!) for (const b of others) tryMerge(a, b);
    }
  }
  for (const c of all) {
    if (c.parent || c.items.length < 2) continue;
    const mentioned = new Map<string, number>();
    for (const it of c.items) for (const k of it.mentions) if (k !== c.core) mentioned.set(k, (mentioned.get(k) ?? 0) + 1);
    for (const [k, times] of [...mentioned].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))) {
      if (times < 2 || times * 3 < c.items.length) break;
      for (const b of byCore.get(k) ?? []) tryMerge(c, b);
    }
  }

  // ── rank ──
  const finals = all.filter((c) => !c.parent && c.items.length > 0);
  type Scored = { c: Cluster; heat: Heat; requesters: number; likes: number; dislikes: number };
  const scored: Scored[] = [];
  for (const c of finals) {
    const keys = new Set<string>();
    let anonymous = 0;
    let likes = 0;
    let dislikes = 0;
    for (const it of c.items) {
      if (it.requesterKey) keys.add(it.requesterKey);
      else anonymous += 1;
      likes += it.m.likes;
      dislikes += it.m.dislikes;
    }
    const requesters = keys.size + anonymous;
    if (requesters < minRequesters) continue;
    const heat = heatOf({ times: c.items.map((i) => i.at), requesters, likes, dislikes, periodStart, periodEnd });
    scored.push({ c, heat, requesters, likes, dislikes });
  }
  scored.sort((a, b) => b.heat.heat - a.heat.heat || b.c.items.length - a.c.items.length || (a.c.items[0]!.m.id < b.c.items[0]!.m.id ? -1 : 1));

  // A district written without its city (A5区…) takes the city it is written with elsewhere.
  const cityOfDistrict = new Map<string, string | null>();
  const pairs = new Map<string, Array<string | null>>();
  for (const it of items) if (it.district && it.city) (pairs.get(it.district) ?? pairs.set(it.district, []).get(it.district)!).push(it.city);
  for (const [d, cities] of pairs) cityOfDistrict.set(d, mostCommon(cities));
  const issues = scored.slice(0, top).map((s, idx) => present(s.c, idx + 1, s.heat, s.requesters, s.likes, s.dislikes, cityOfDistrict, vocab));
  return {
    issues,
    ...(options.debug ? { clusters: finals.map((c) => c.items.map((i) => i.m.id)).sort((a, b) => b.length - a.length) } : {}),
    stats: {
      input, inPeriod, empty, withPlace: n - loose.length, clusters: finals.length, ranked: scored.length,
      periodStart: new Date(periodStart).toISOString(), periodEnd: new Date(periodEnd).toISOString(),
    },
  };
}

// Which groups of people an institution's issue can be about (经济学院 → 学生, 58车贷 → 受害人).
const INSTITUTION_GROUPS: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/(?:学校|小学|中学|大学|学院|职院|幼儿园)$/, ['学生', '家长', '教师', '老师', '考生']],
  [/(?:公司|集团|厂|工厂)$/, ['职工', '员工', '工人', '农民工']],
  [/(?:车贷|平台|银行)$/, ['受害人', '受害者', '出借人', '投资人']],
  [/(?:医院|卫生院)$/, ['患者']],
];

function groupOf(items: readonly Item[], name: string, level: PlaceLevel | null): string | null {
  if (!name) {
    const g = mostCommon(items.flatMap((i) => i.titleGroups));
    return g && items.filter((i) => i.titleGroups.includes(g)).length / items.length >= 0.4 ? g : null;
  }
  if (level !== 'institution') return null;
  const allowed = INSTITUTION_GROUPS.find(([re]) => re.test(name))?.[1];
  if (!allowed) return null;
  const g = mostCommon(items.flatMap((i) => i.groups.filter((x) => allowed.includes(x))));
  return g && items.filter((i) => i.groups.includes(g)).length / items.length >= 0.3 ? g : null;
}

const KEYWORD_STOPS = new Set(['附近', '投诉', '关于', '何时', '反映', '建议', '问题', '请求', '咨询', '请问', '什么', '时候', '为何', '为什么', '能否', '是否', '希望', '强烈', '严重', '要求', '恳请', '解决', '相关', '部门', '领导', '政府']);

function present(c: Cluster, rank: number, heat: Heat, requesterCount: number, likes: number, dislikes: number, cityOfDistrict: ReadonlyMap<string, string | null>, vocab: Vocabulary): HotIssue {
  const items = [...c.items].sort((a, b) => a.at - b.at || (a.m.id < b.m.id ? -1 : 1));
  // The most central message: closest to the cluster's centroid.
  let central = items[0]!;
  let best = -1;
  const norm = Math.sqrt(c.norm2 || 1);
  const centroid = new Map<number, number>();
  c.keys.forEach((k, i) => centroid.set(k, c.weights[i]!));
  for (const it of items) {
    const sim = dot(vectorOf(it, vocab), centroid) / norm + it.m.likes * 1e-9;
    if (sim > best) {
      best = sim;
      central = it;
    }
  }
  const placed = items.filter((i) => i.primary);
  const level = mostCommon(placed.map((i) => i.primary!.level));
  const name = mostCommon(placed.filter((i) => i.primary!.level === level).map((i) => i.primary!.name)) ?? '';
  const district = districtOf(items);
  const city = mostCommon(items.map((i) => i.city)) ?? (district ? (cityOfDistrict.get(district) ?? null) : null);
  const group = groupOf(items, name, level);
  const place = `${name || group ? `${city ?? ''}${district && !name.startsWith(district) ? district : ''}` : ''}${name}${group ?? ''}`;
  const placeKind: HotIssue['placeKind'] = group ? 'group' : name ? 'place' : 'none';
  const placeNames = new Set(placed.map((i) => i.primary!.name));
  const rawTitle = normalizeIssueText(central.m.title);
  // Strip from the front only names the cluster agrees on (two or more messages), and streets: a
  // name found once may be a mis-cut phrase that would take words of the matter with it.
  const nameCounts = new Map<string, number>();
  for (const i of placed) nameCounts.set(i.primary!.name, (nameCounts.get(i.primary!.name) ?? 0) + 1);
  const strip = extractPlaces(rawTitle).places.filter((p) => p.level === 'street' || (nameCounts.get(p.name) ?? 0) >= 2).map((p) => p.name);
  const description = describe(rawTitle, strip.sort((a, b) => b.length - a.length));
  const keywords = keywordsOf(items.slice(0, 200).map((i) => normalizeIssueText(i.m.title)).join('。'), 5, new Set([...placeNames, ...KEYWORD_STOPS, ...(city ? [city] : []), ...(district ? [district] : [])]));
  return {
    rank,
    heat: heat.heat,
    factors: { voices: heat.voices, support: heat.support, burst: heat.burst, growth: heat.growth },
    firstAt: items[0]!.m.receivedAt,
    lastAt: items.at(-1)!.m.receivedAt,
    place,
    placeKind,
    description,
    keywords,
    messageCount: items.length,
    requesterCount,
    likes,
    dislikes,
    centralId: central.m.id,
    messages: items.map((i) => i.m),
  };
}

import { normalizeText } from '../text/text-normalize.ts';
import { seededRandom } from '../classification/linear-models.ts';

/** A message for building a labelled duplicate set. */
export interface PairMessage {
  /** The source's message id (留言编号, with its attachment). */
  id: string;
  user: string;
  title: string;
  text: string;
  /** Epoch milliseconds. */
  at: number;
  /** Known category, for drawing random negatives within one category. */
  label?: string;
}

/** Why a pair is in the set. */
export type PairKind = 'copy' | 'repeat' | 'organisers-issue' | 'same-user-other' | 'random';

/** Two messages (indices) and whether they report the same matter. */
export interface LabelledPair {
  a: number;
  b: number;
  duplicate: boolean;
  kind: PairKind;
}

// Words that make two subjects look alike without naming the same matter ("请A市加快…建设力度").
const BOILERPLATE = /[a-z]\d*[市区县]|西地省|请问|请|反映|咨询|关于|建议|投诉|举报|加快|建设|力度|问题|何时|什么时候|为什么|为何|能否|是否|有何具体行动|刻不容缓|步伐|满足哪些条件|哪些|希望|政府|相关部门|领导|一下|严重|[的了吗呢啊与和及在对]|[^\p{L}\p{N}]/gu;

/** The subject with its boilerplate removed: what is left names the place and the matter. */
export function subjectCore(title: string): string {
  return normalizeText(title).text.replace(BOILERPLATE, '');
}

/** Length of the longest common substring. */
export function longestCommonSubstring(a: string, b: string): number {
  let best = 0;
  const prev = new Uint16Array(b.length + 1);
  const cur = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const v = a[i - 1] === b[j - 1] ? (prev[j - 1] as number) + 1 : 0;
      cur[j] = v;
      if (v > best) best = v;
    }
    prev.set(cur);
  }
  return best;
}

/**
 * A labelled set of message pairs from data without duplicate labels, built by rules that do not use the
 * detector's own measure (whole-text n-gram overlap):
 * - copy (+): the same subject posted at the same second under two ids (attachments copy messages);
 * - repeat (+): one user, within `windowDays`, subjects sharing a distinctive run of ≥ 4 characters
 *   (and ≥ 40% of the shorter) once boilerplate is removed (a citizen posting the same matter again);
 * - organisers-issue (+): pairs inside an issue the organisers published as one hot issue, within the window;
 * - same-user-other (−): one user, within the window, subjects sharing at most 1 character of core;
 * - random (−): two users, within the window, same category when known.
 */
export function buildLabelledPairs(
  messages: readonly PairMessage[],
  options: { windowDays?: number; randomPairs?: number; seed?: number; issues?: ReadonlyArray<readonly string[]> } = {},
): LabelledPair[] {
  const windowMs = (options.windowDays ?? 30) * 86_400_000;
  const rnd = seededRandom(options.seed ?? 11);
  const pairs: LabelledPair[] = [];
  const seen = new Set<string>();
  const core = messages.map((m) => subjectCore(m.title));
  const key = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);
  const push = (a: number, b: number, duplicate: boolean, kind: PairKind) => {
    const k = key(a, b);
    if (a === b || seen.has(k)) return;
    seen.add(k);
    pairs.push({ a, b, duplicate, kind });
  };
  // Copies first: a copy is a duplicate whatever else is true of the pair.
  const bySubjectTime = new Map<string, number[]>();
  messages.forEach((m, i) => {
    const k = `${normalizeText(m.title).text}|${m.at}`;
    const list = bySubjectTime.get(k);
    if (list) list.push(i);
    else bySubjectTime.set(k, [i]);
  });
  for (const list of bySubjectTime.values()) for (let x = 1; x < list.length; x++) push(list[0] as number, list[x] as number, true, 'copy');
  const copyOf = new Map<number, number>();
  for (const list of bySubjectTime.values()) for (const i of list) copyOf.set(i, list[0] as number);
  const distinct = (i: number) => copyOf.get(i) === i;

  const byId = new Map(messages.map((m, i) => [m.id, i]));
  for (const issue of options.issues ?? []) {
    const found = issue.map((id) => byId.get(id)).filter((i): i is number => i !== undefined);
    const members = [...new Set(found.map((i) => copyOf.get(i) as number))];
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const a = members[x] as number;
        const b = members[y] as number;
        if (Math.abs((messages[a] as PairMessage).at - (messages[b] as PairMessage).at) <= windowMs) push(a, b, true, 'organisers-issue');
      }
    }
  }

  const byUser = new Map<string, number[]>();
  messages.forEach((m, i) => {
    if (!distinct(i) || !m.user) return;
    const list = byUser.get(m.user);
    if (list) list.push(i);
    else byUser.set(m.user, [i]);
  });
  for (const list of byUser.values()) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const a = list[x] as number;
        const b = list[y] as number;
        if (Math.abs((messages[a] as PairMessage).at - (messages[b] as PairMessage).at) > windowMs) continue;
        const shared = longestCommonSubstring(core[a] as string, core[b] as string);
        const shorter = Math.min((core[a] as string).length, (core[b] as string).length);
        if (shared >= 4 && shared >= 0.4 * shorter) push(a, b, true, 'repeat');
        else if (shared <= 1) push(a, b, false, 'same-user-other');
      }
    }
  }

  const wanted = options.randomPairs ?? 2000;
  const pool = messages.map((_, i) => i).filter(distinct).sort((a, b) => (messages[a] as PairMessage).at - (messages[b] as PairMessage).at);
  let made = 0;
  for (let tries = 0; made < wanted && tries < wanted * 50; tries++) {
    const a = pool[Math.floor(rnd() * pool.length)] as number;
    // A partner close in time: a random neighbour in the time-sorted pool.
    const pos = pool.indexOf(a);
    const b = pool[Math.min(pool.length - 1, Math.max(0, pos + Math.floor((rnd() - 0.5) * 200)))] as number;
    const ma = messages[a] as PairMessage;
    const mb = messages[b] as PairMessage;
    if (a === b || ma.user === mb.user || Math.abs(ma.at - mb.at) > windowMs) continue;
    if (ma.label !== undefined && ma.label !== mb.label) continue;
    if (seen.has(key(a, b))) continue;
    push(a, b, false, 'random');
    made++;
  }
  return pairs;
}

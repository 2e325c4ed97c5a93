/**
 * Choosing the responsible department from the responsibility list (权责清单).
 *
 * A rule matches a case when its category prefix is the case's category or an ancestor of it
 * (dotted codes: '01.02' matches '01.02' and '01.02.07', not '01.020') and the case's area lies in
 * the rule's area subtree. Among matches the winner is, in order:
 *   1. the highest priority (an explicit override beats everything),
 *   2. the most specific category (longest prefix),
 *   3. the most specific area (deepest area),
 *   4. the oldest rule (stable answers).
 */
export interface RuleLike {
  id: string;
  categoryPrefix: string;
  areaId: string;
  priority: number;
  active: boolean;
}

/** True when `prefix` is `code` or a dotted ancestor of it. */
export function categoryMatches(prefix: string, code: string): boolean {
  return code === prefix || (code.startsWith(prefix) && code.charAt(prefix.length) === '.');
}

/** Every dotted prefix of a code, longest first: '01.02.03' → ['01.02.03', '01.02', '01']. */
export function categoryPrefixes(code: string): string[] {
  const parts = code.split('.');
  const out: string[] = [];
  for (let i = parts.length; i > 0; i--) out.push(parts.slice(0, i).join('.'));
  return out;
}

/** Index rules by category prefix so a lookup touches only the few that can match. */
export class RuleIndex<R extends RuleLike> {
  private readonly byPrefix = new Map<string, R[]>();

  constructor(rules: readonly R[]) {
    for (const r of rules) {
      if (!r.active) continue;
      const list = this.byPrefix.get(r.categoryPrefix) ?? [];
      list.push(r);
      this.byPrefix.set(r.categoryPrefix, list);
    }
  }

  /**
   * The winning rule for a category in an area. `areaDepth(areaId)` gives how deep a rule's area is,
   * `contains(ruleAreaId)` whether the case's area lies in it (null area: only root-level rules match).
   */
  resolve(categoryCode: string, contains: (ruleAreaId: string) => boolean, areaDepth: (areaId: string) => number): R | null {
    let best: R | null = null;
    let bestKey: [number, number, number, string] | null = null;
    for (const prefix of categoryPrefixes(categoryCode)) {
      for (const r of this.byPrefix.get(prefix) ?? []) {
        if (!contains(r.areaId)) continue;
        const key: [number, number, number, string] = [r.priority, prefix.length, areaDepth(r.areaId), r.id];
        if (!bestKey || better(key, bestKey)) {
          best = r;
          bestKey = key;
        }
      }
    }
    return best;
  }
}

function better(a: [number, number, number, string], b: [number, number, number, string]): boolean {
  if (a[0] !== b[0]) return a[0] > b[0];
  if (a[1] !== b[1]) return a[1] > b[1];
  if (a[2] !== b[2]) return a[2] > b[2];
  return a[3] < b[3];
}

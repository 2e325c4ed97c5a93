/**
 * Reads prefixed environment keys with parsers and collects every problem, so a bad
 * configuration fails once with the full list instead of one key at a time.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export interface KeySpec<T> {
  key: string;
  description: string;
  default: T;
  parse(raw: string): T;
}

export const parsers = {
  string: (raw: string): string => raw,
  int: (min: number, max: number) => (raw: string): number => {
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new Error(`expected an integer in [${min}, ${max}]`);
    return n;
  },
  number: (min: number, max: number) => (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new Error(`expected a number in [${min}, ${max}]`);
    return n;
  },
  oneOf: <T extends string>(...values: T[]) => (raw: string): T => {
    if (!(values as string[]).includes(raw)) throw new Error(`expected one of ${values.join(', ')}`);
    return raw as T;
  },
  zone: (raw: string): string => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: raw });
      return raw;
    } catch {
      throw new Error('expected an IANA time zone such as Asia/Shanghai');
    }
  },
};

/** Read every spec from `env`; unknown keys with the prefix are reported too (typos). */
export function readConfig<S extends Record<string, KeySpec<unknown>>>(
  specs: S,
  env: Record<string, string | undefined>,
  prefix: string,
): { [K in keyof S]: S[K]['default'] } {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  const known = new Set(Object.values(specs).map((s) => s.key));
  for (const [name, spec] of Object.entries(specs)) {
    const raw = env[spec.key];
    if (raw === undefined || raw === '') {
      out[name] = spec.default;
      continue;
    }
    try {
      out[name] = spec.parse(raw);
    } catch (err) {
      problems.push(`${spec.key}=${JSON.stringify(raw)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  for (const key of Object.keys(env)) {
    if (key.startsWith(prefix) && !known.has(key)) problems.push(`${key}: unknown key (known: ${[...known].sort().join(', ')})`);
  }
  if (problems.length) throw new ConfigError(problems);
  return out as { [K in keyof S]: S[K]['default'] };
}

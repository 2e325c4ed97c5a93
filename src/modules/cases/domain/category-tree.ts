/** A category of the hierarchical taxonomy (诉求分类). Codes are dotted paths: '01', '01.02', '01.02.03'. */
export interface Category {
  code: string;
  name: string;
  nameEn: string;
  parentCode: string | null;
  active: boolean;
}

/** In-memory category tree (hundreds of rows), rebuilt when categories change. */
export class CategoryTree {
  private readonly byCode: Map<string, Category>;
  private readonly byName = new Map<string, Category>();

  constructor(categories: readonly Category[]) {
    this.byCode = new Map(categories.map((c) => [c.code, c]));
    for (const c of categories) {
      const path = this.path(c.code).map((p) => p.name).join('/');
      this.byName.set(path, c);
      if (!this.byName.has(c.name)) this.byName.set(c.name, c);
    }
  }

  /** One category by code. */
  get(code: string): Category | undefined {
    return this.byCode.get(code);
  }

  /** A category by its name or its slash-joined path of names ('城乡建设/住房保障'). */
  byNameOrPath(name: string): Category | undefined {
    return this.byName.get(name);
  }

  /** Every category, ordered by code. */
  all(): Category[] {
    return [...this.byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  /** The category and its ancestors, from the top. */
  path(code: string): Category[] {
    const out: Category[] = [];
    for (let c = this.byCode.get(code); c; c = c.parentCode ? this.byCode.get(c.parentCode) : undefined) out.unshift(c);
    return out;
  }

  /** The first two levels of a code: requests in one family count as "the same matter" for repeats. */
  family(code: string): string {
    return code.split('.').slice(0, 2).join('.');
  }

  /** The children of a category (or the roots for null). */
  children(code: string | null): Category[] {
    return this.all().filter((c) => c.parentCode === code);
  }

  get size(): number {
    return this.byCode.size;
  }
}

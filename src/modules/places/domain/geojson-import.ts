/**
 * Reads areas from a GeoJSON FeatureCollection (our own export, or Aliyun DataV 行政区划 files).
 *
 * Properties read on each feature:
 * - code: `code`, else `adcode` (numbers become strings, e.g. 330106 → "330106")
 * - name: `name`
 * - level: `level`, mapped through LEVEL_NAMES (case-insensitive), else `opts.defaultLevel`
 * - parent code: `parentCode`, else `parent_code`, else `parent.adcode` (DataV); absent/null → root
 *
 * Level mapping (CityLoop models one city; GB/T 2260 names map onto its five levels):
 * - city      ← city, province, prefecture, municipality, 市, 地级市, 直辖市 — a DataV "province"
 *               file is a municipality such as 北京 / 上海, which is the city itself
 * - district  ← district, county, 区, 县, 区县, 县级市, 旗
 * - street    ← street, subdistrict, town, township, 街道, 乡, 镇, 乡镇, 街道乡镇
 * - community ← community, village, 社区, 村, 居委会, 村委会, 社区村
 * - grid      ← grid, 网格
 * "country" is not mapped: a country outline is not an area of a city.
 */
import { AppError } from '../../../platform/errors/app-error.ts';
import { canContain, isAreaLevel, levelDepth, validateGeometry, type AreaGeometry, type AreaLevel } from './area.ts';

/** Default level names (lower-case keys) → AreaLevel; see the file comment for the reasoning. */
export const LEVEL_NAMES: Readonly<Record<string, AreaLevel>> = {
  city: 'city', province: 'city', prefecture: 'city', municipality: 'city', 市: 'city', 地级市: 'city', 直辖市: 'city',
  district: 'district', county: 'district', 区: 'district', 县: 'district', 区县: 'district', 县级市: 'district', 旗: 'district',
  street: 'street', subdistrict: 'street', town: 'street', township: 'street',
  街道: 'street', 乡: 'street', 镇: 'street', 乡镇: 'street', 街道乡镇: 'street',
  community: 'community', village: 'community', 社区: 'community', 村: 'community',
  居委会: 'community', 村委会: 'community', 社区村: 'community',
  grid: 'grid', 网格: 'grid',
};

/** Options for parseAreasFeatureCollection. */
export interface ParseAreasOptions {
  /** Extra or overriding level names (compared case-insensitively), merged over LEVEL_NAMES. */
  levelNames?: Readonly<Record<string, AreaLevel>>;
  /** Level for features without a `level` property; without it such features are rejected. */
  defaultLevel?: AreaLevel;
  /** Reject features with a null geometry (default: accept them as areas without boundary). */
  requireBoundary?: boolean;
}

/** A feature that passed every check. */
export interface ParsedArea {
  /** Position of the feature in the collection. */
  index: number;
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  boundary: AreaGeometry | null;
}

/** Stable reason codes of AreaImportError. */
export type AreaImportReason =
  | 'NOT_A_FEATURE' | 'MISSING_CODE' | 'DUPLICATE_CODE' | 'MISSING_NAME' | 'MISSING_LEVEL' | 'UNKNOWN_LEVEL'
  | 'MISSING_BOUNDARY' | 'INVALID_BOUNDARY' | 'SELF_PARENT' | 'PARENT_LEVEL' | 'PARENT_REJECTED';

/** Why one feature was rejected; a feature may have several. `code` is '' when it had none. */
export interface AreaImportError {
  index: number;
  code: string;
  reason: AreaImportReason;
  zh: string;
  en: string;
}

/** Result of parseAreasFeatureCollection. */
export interface ParsedAreas {
  /** Good features, parents before children (by level, then file order). */
  areas: ParsedArea[];
  /** Rejected features, by index. */
  errors: AreaImportError[];
  /** Parent codes not in the file, sorted: the caller resolves them against existing areas. */
  unresolvedParents: string[];
}

/** Splits a FeatureCollection into good areas and per-feature errors; throws AppError only if it is not a FeatureCollection. */
export function parseAreasFeatureCollection(value: unknown, opts: ParseAreasOptions = {}): ParsedAreas {
  if (!isObject(value) || value.type !== 'FeatureCollection' || !Array.isArray(value.features)) {
    throw new AppError({
      code: 'PLACES_NOT_A_FEATURE_COLLECTION',
      status: 400,
      zh: '区域文件必须是 GeoJSON FeatureCollection',
      en: 'area file must be a GeoJSON FeatureCollection',
      field: 'type',
    });
  }
  const names = new Map<string, AreaLevel>();
  for (const [k, v] of Object.entries({ ...LEVEL_NAMES, ...opts.levelNames })) names.set(k.toLowerCase(), v);

  const errors: AreaImportError[] = [];
  const candidates: ParsedArea[] = [];
  const byCode = new Map<string, ParsedArea>();
  const rejectedCodes = new Set<string>();

  value.features.forEach((feature: unknown, index: number) => {
    const fail = (code: string, reason: AreaImportReason, zh: string, en: string): void => {
      errors.push({ index, code, reason, zh, en });
    };
    if (!isObject(feature) || feature.type !== 'Feature') {
      fail('', 'NOT_A_FEATURE', '不是 GeoJSON Feature', 'not a GeoJSON Feature');
      return;
    }
    const props = isObject(feature.properties) ? feature.properties : {};
    const code = readCode(props.code) ?? readCode(props.adcode);
    const before = errors.length;
    if (code === null) fail('', 'MISSING_CODE', '缺少区域编码（code 或 adcode）', 'missing area code (code or adcode)');
    const c = code ?? '';
    if (code !== null && byCode.has(code)) {
      fail(c, 'DUPLICATE_CODE', `编码 ${code} 在文件中重复，已保留第 ${byCode.get(code)?.index} 个`,
        `code ${code} repeats an earlier feature (#${byCode.get(code)?.index}), which is kept`);
    }
    const name = typeof props.name === 'string' ? props.name.trim() : '';
    if (name === '') fail(c, 'MISSING_NAME', '缺少区域名称（name）', 'missing area name (name)');

    let level: AreaLevel | null = null;
    if (props.level === undefined || props.level === null || props.level === '') {
      if (opts.defaultLevel !== undefined) level = opts.defaultLevel;
      else fail(c, 'MISSING_LEVEL', '缺少区域层级（level）', 'missing area level (level)');
    } else {
      const mapped = typeof props.level === 'string' ? names.get(props.level.trim().toLowerCase()) : undefined;
      if (mapped !== undefined && isAreaLevel(mapped)) level = mapped;
      else fail(c, 'UNKNOWN_LEVEL', `无法识别的区域层级：${String(props.level)}`, `unknown area level: ${String(props.level)}`);
    }

    let boundary: AreaGeometry | null = null;
    if (feature.geometry === null || feature.geometry === undefined) {
      if (opts.requireBoundary) fail(c, 'MISSING_BOUNDARY', '缺少边界（geometry 为空）', 'missing boundary (geometry is null)');
    } else {
      const checked = validateGeometry(feature.geometry);
      if (checked.ok) boundary = checked.geometry;
      else {
        const shown = checked.problems.slice(0, 3);
        fail(c, 'INVALID_BOUNDARY',
          `边界无效：${shown.map((p) => `${p.path} ${p.zh}`).join('；')}`,
          `invalid boundary: ${shown.map((p) => `${p.path} ${p.en}`).join('; ')}`);
      }
    }

    const parentCode = readCode(props.parentCode) ?? readCode(props.parent_code)
      ?? (isObject(props.parent) ? readCode(props.parent.adcode) : null);
    if (code !== null && parentCode === code) {
      fail(c, 'SELF_PARENT', '上级编码不能是自身编码', 'parent code equals the area code');
    }

    if (errors.length > before || code === null || level === null) {
      // A duplicate does not taint the kept first feature's code, so children still resolve to it.
      if (code !== null && !byCode.has(code)) rejectedCodes.add(code);
      return;
    }
    const area: ParsedArea = { index, code, name, level, parentCode, boundary };
    candidates.push(area);
    byCode.set(code, area);
  });

  // Children are strictly deeper than parents, so in level order every in-file parent is settled first.
  const byLevel = candidates
    .map((a, order) => ({ a, order }))
    .sort((x, y) => levelDepth(x.a.level) - levelDepth(y.a.level) || x.order - y.order)
    .map((x) => x.a);
  const accepted = new Set<string>();
  const unresolved = new Set<string>();
  const areas: ParsedArea[] = [];
  for (const a of byLevel) {
    const fail = (reason: AreaImportReason, zh: string, en: string): void => {
      errors.push({ index: a.index, code: a.code, reason, zh, en });
    };
    const p = a.parentCode;
    if (p !== null) {
      const parent = byCode.get(p);
      if (parent !== undefined && !canContain(parent.level, a.level)) {
        fail('PARENT_LEVEL', `层级 ${a.level} 不能隶属于 ${parent.level}（${p}）`,
          `level ${a.level} cannot sit under ${parent.level} (${p})`);
        continue;
      }
      if (rejectedCodes.has(p) || (parent !== undefined && !accepted.has(p))) {
        fail('PARENT_REJECTED', `上级区域 ${p} 在本文件中被拒绝`, `parent area ${p} was rejected in this file`);
        continue;
      }
      if (parent === undefined) unresolved.add(p);
    }
    accepted.add(a.code);
    areas.push(a);
  }
  errors.sort((x, y) => x.index - y.index);
  return { areas, errors, unresolvedParents: [...unresolved].sort() };
}

function readCode(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Areas of the city (区域) as a tree: city → district → street → community → grid, each with an optional GeoJSON boundary. */

/** Levels from the top of the tree down; the position in this list is the level's depth. */
export const AREA_LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
/** One level of the area tree. */
export type AreaLevel = (typeof AREA_LEVELS)[number];
/** Chinese names of the levels, as dispatch centres say them. */
export const AREA_LEVEL_ZH: Record<AreaLevel, string> = {
  city: '市', district: '区县', street: '街道乡镇', community: '社区村', grid: '网格',
};

/** A GeoJSON position as stored: [longitude, latitude] in WGS84 degrees. */
export type LngLat = [lng: number, lat: number];
/** A closed ring: first position equals the last, at least 4 positions. */
export type LinearRing = LngLat[];
/** GeoJSON Polygon: the first ring is the outer boundary, the others are holes. */
export interface AreaPolygon {
  type: 'Polygon';
  coordinates: LinearRing[];
}
/** GeoJSON MultiPolygon: several polygons (e.g. a district with an island). */
export interface AreaMultiPolygon {
  type: 'MultiPolygon';
  coordinates: LinearRing[][];
}
/** Boundary of an area. */
export type AreaGeometry = AreaPolygon | AreaMultiPolygon;

/** An area as the domain sees it; `parentId` is null only for the root(s). */
export interface AreaRecord {
  id: string;
  code: string;
  name: string;
  level: AreaLevel;
  parentId: string | null;
  boundary: AreaGeometry | null;
}

const DEPTH: Record<AreaLevel, number> = { city: 0, district: 1, street: 2, community: 3, grid: 4 };

/** True when the value is one of AREA_LEVELS. */
export function isAreaLevel(value: unknown): value is AreaLevel {
  return typeof value === 'string' && Object.hasOwn(DEPTH, value);
}

/** Depth of a level: city 0 … grid 4. */
export function levelDepth(level: AreaLevel): number {
  return DEPTH[level];
}

/** True when an area of level `parent` may contain one of level `child` (levels may be skipped, never reversed). */
export function canContain(parent: AreaLevel, child: AreaLevel): boolean {
  return DEPTH[parent] < DEPTH[child];
}

/** One thing wrong with a geometry; `path` points into the input like `coordinates[0][3]`. */
export interface GeometryProblem {
  path: string;
  zh: string;
  en: string;
}

/** Result of validateGeometry: a clean copy, or every problem found (up to a cap). */
export type GeometryValidation =
  | { ok: true; geometry: AreaGeometry }
  | { ok: false; problems: GeometryProblem[] };

// A broken file can have millions of bad positions; nobody reads past the first few.
const MAX_PROBLEMS = 20;

/**
 * Checks a GeoJSON Polygon/MultiPolygon and returns a 2-D copy (altitudes dropped).
 * Not checked: self-intersection and ring orientation (RFC 7946 asks parsers to accept either winding).
 */
export function validateGeometry(value: unknown): GeometryValidation {
  const problems: GeometryProblem[] = [];
  const add = (path: string, zh: string, en: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ path, zh, en });
  };
  if (!isObject(value)) {
    add('', '边界必须是 GeoJSON 几何对象', 'boundary must be a GeoJSON geometry object');
    return { ok: false, problems };
  }
  const { type, coordinates } = value;
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    add('type', `边界类型必须是 Polygon 或 MultiPolygon，实际为 ${String(type)}`,
      `geometry type must be Polygon or MultiPolygon, got ${String(type)}`);
    return { ok: false, problems };
  }
  if (!Array.isArray(coordinates) || coordinates.length === 0) {
    add('coordinates', '坐标必须是非空数组', 'coordinates must be a non-empty array');
    return { ok: false, problems };
  }
  if (type === 'Polygon') {
    const rings = readPolygon(coordinates, 'coordinates', add);
    return rings && problems.length === 0 ? { ok: true, geometry: { type, coordinates: rings } } : { ok: false, problems };
  }
  const polygons: LinearRing[][] = [];
  coordinates.forEach((poly: unknown, i: number) => {
    const path = `coordinates[${i}]`;
    if (!Array.isArray(poly) || poly.length === 0) {
      add(path, '多边形必须是非空的环数组', 'polygon must be a non-empty array of rings');
      return;
    }
    const rings = readPolygon(poly, path, add);
    if (rings) polygons.push(rings);
  });
  return problems.length === 0 ? { ok: true, geometry: { type, coordinates: polygons } } : { ok: false, problems };
}

type AddProblem = (path: string, zh: string, en: string) => void;

function readPolygon(rings: unknown[], path: string, add: AddProblem): LinearRing[] | null {
  const out: LinearRing[] = [];
  let bad = false;
  rings.forEach((ring, r) => {
    const ringPath = `${path}[${r}]`;
    const read = readRing(ring, ringPath, add);
    if (read) out.push(read);
    else bad = true;
  });
  return bad ? null : out;
}

function readRing(ring: unknown, path: string, add: AddProblem): LinearRing | null {
  if (!Array.isArray(ring)) {
    add(path, '环必须是坐标数组', 'ring must be an array of positions');
    return null;
  }
  if (ring.length < 4) {
    add(path, `环至少需要 4 个坐标，实际 ${ring.length} 个`, `ring needs at least 4 positions, got ${ring.length}`);
    return null;
  }
  const out: LinearRing = [];
  let bad = false;
  ring.forEach((pos: unknown, p: number) => {
    const read = readPosition(pos, `${path}[${p}]`, add);
    if (read) out.push(read);
    else bad = true;
  });
  if (bad) return null;
  const first = out[0] as LngLat;
  const last = out[out.length - 1] as LngLat;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    add(path, '环未闭合：首尾坐标必须相同', 'ring is not closed: first and last positions must be equal');
    return null;
  }
  return out;
}

function readPosition(pos: unknown, path: string, add: AddProblem): LngLat | null {
  if (!Array.isArray(pos) || pos.length < 2) {
    add(path, '坐标必须是 [经度, 纬度]', 'position must be [lng, lat]');
    return null;
  }
  const [lng, lat] = pos as unknown[];
  if (typeof lng !== 'number' || typeof lat !== 'number' || !Number.isFinite(lng) || !Number.isFinite(lat)) {
    add(path, '经纬度必须是有限数值', 'lng and lat must be finite numbers');
    return null;
  }
  if (lng < -180 || lng > 180) {
    add(path, `经度 ${lng} 超出 [-180, 180]`, `longitude ${lng} is outside [-180, 180]`);
    return null;
  }
  if (lat < -90 || lat > 90) {
    add(path, `纬度 ${lat} 超出 [-90, 90]`, `latitude ${lat} is outside [-90, 90]`);
    return null;
  }
  return [lng, lat];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import type { AreaGeometry, AreaLevel } from './domain/area.ts';

/** An area without its boundary (boundaries are large; ask for them explicitly). */
export interface AreaSummary {
  id: string;
  code: string;
  name: string;
  level: AreaLevel;
  parentId: string | null;
}

export interface AreaInput {
  code: string;
  name: string;
  level: AreaLevel;
  /** Code of the parent area (in the same batch or already stored); null for the city. */
  parentCode: string | null;
  boundary: AreaGeometry | null;
}

export interface AreaImportReport {
  created: number;
  updated: number;
  unchanged: number;
  errors: Array<{ index: number; code: string; reason: string }>;
}

/** Areas (city → district → street → community → grid) and where a point is. */
export interface PlacesApi {
  /** The smallest area containing the point, or null when it is outside the city. */
  locate(lng: number, lat: number): AreaSummary | null;
  /** One area by id. */
  getArea(id: string): AreaSummary | null;
  /** One area by its code (e.g. a 15-digit grid code). */
  getAreaByCode(code: string): AreaSummary | null;
  /** The area and its ancestors, from itself up to the city. */
  lineage(id: string): AreaSummary[];
  /** True when `id` is `ancestorId` or lies inside it. */
  isWithin(id: string, ancestorId: string): boolean;
  /** The area and every area inside it (ids). */
  subtreeIds(id: string): string[];
  /** Areas of a level and/or under a parent. */
  listAreas(filter?: { level?: AreaLevel; parentId?: string }): AreaSummary[];
  /** Boundary of an area (GeoJSON), or null. */
  boundaryOf(id: string): AreaGeometry | null;
  /** Create or update areas by code (parents first); the index is rebuilt once at the end. */
  importAreas(inputs: readonly AreaInput[]): Promise<AreaImportReport>;
  /** The top area (the city), or null before any area is loaded. */
  root(): AreaSummary | null;
  /** Number of areas loaded. */
  count(): number;
}

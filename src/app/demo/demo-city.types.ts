/** Shapes of the generated demo city: plain data, loaded by `cityloop demo` through the modules' Apis. */
import type { Channel, Kind, Urgency } from '../../modules/cases/domain/case-types.ts';

/** Administrative level of an area, from the whole city down to a unit grid. */
export type AreaLevel = 'city' | 'district' | 'street' | 'community' | 'grid';

/** GeoJSON polygon with [lng, lat] positions and closed rings. */
export interface DemoPolygon {
  type: 'Polygon';
  coordinates: number[][][];
}

/** A city, district, street, community or grid; children tile their parent exactly. */
export interface DemoArea {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  boundary: DemoPolygon;
}

/** Tier a department works at. */
export type DemoTier = 'city' | 'district' | 'street';

/** What sort of body a department is: a dispatch centre, a government bureau, a street office or a utility company. */
export type DemoDepartmentKind = 'centre' | 'bureau' | 'street_office' | 'utility';

/** A department; `parentCode` is the department that dispatches to it (the city centre is the root). */
export interface DemoDepartment {
  code: string;
  name: string;
  nameEn: string;
  tier: DemoTier;
  kind: DemoDepartmentKind;
  parentCode: string | null;
  /** Jurisdiction area: the city, a district or a street. */
  areaCode: string | null;
}

/** A role a staff member can hold. */
export type DemoRole = 'agent' | 'dispatcher' | 'handler' | 'supervisor' | 'grid_worker' | 'analyst' | 'admin';

/** A staff member; grid workers carry the grids they patrol. */
export interface DemoStaff {
  code: string;
  name: string;
  departmentCode: string;
  roles: DemoRole[];
  phone: string;
  gridCodes?: string[];
}

/**
 * A dispatch rule: a case whose category lies under `categoryPrefix` (segment-wise, see
 * `categoryMatchesPrefix`) and whose area lies inside `areaCode` goes to `departmentCode`.
 * When several rules match, the highest `priority` wins; the demo sets priorities so that the
 * smaller area wins first and the longer category prefix second.
 */
export interface DemoRule {
  categoryPrefix: string;
  areaCode: string;
  departmentCode: string;
  assistingDepartmentCodes: string[];
  priority: number;
}

/** Step actions that move a case to a department. */
export type DemoDispatchAction = 'direct_answer' | 'dispatch_auto' | 'dispatch_to';

/** Step actions taken on a case once it is with a department or back at a centre. */
export type DemoHandlingAction =
  | 'sign_for'
  | 'return'
  | 'request_extension'
  | 'approve_extension'
  | 'reply'
  | 'resolve'
  | 'callback'
  | 'redispatch'
  | 'supervise'
  | 'close'
  | 'merge_into';

/** One scripted step of a case; `at` is an ISO UTC instant, strictly increasing along a path. */
export type DemoStep =
  | { at: string; action: DemoDispatchAction; departmentCode?: string }
  | {
      at: string;
      action: DemoHandlingAction;
      text?: string;
      rating?: 1 | 2 | 3 | 4 | 5;
      parentRef?: string;
      departmentCode?: string;
      extraWorkdays?: number;
    };

/** A scripted case: what came in, and what happened to it until the generator's `now`. */
export interface DemoCaseScript {
  ref: string;
  channel: Channel;
  kind: Kind;
  urgency: Urgency;
  categoryCode: string;
  title: string;
  text: string;
  requester: { name?: string; phone?: string; anonymous: boolean };
  location: { lng: number; lat: number; address: string } | null;
  /** ISO UTC instant. */
  receivedAt: string;
  path: DemoStep[];
}

/** The whole demo data set. */
export interface DemoCity {
  name: string;
  nameEn: string;
  zone: 'Asia/Shanghai';
  areas: DemoArea[];
  departments: DemoDepartment[];
  staff: DemoStaff[];
  rules: DemoRule[];
  cases: DemoCaseScript[];
  /** Open311 API key of the demo only ('demo-open311-key'); never a real deployment's key. */
  open311ApiKey: string;
}

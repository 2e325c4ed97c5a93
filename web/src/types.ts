/** The shapes of the API answers the console reads (the server's OpenAPI is the reference). */
export type Light = 'green' | 'yellow' | 'red';

export interface CaseItem {
  id: string;
  number: string;
  state: string;
  channel: string;
  kind: string;
  urgency: string;
  categoryCode: string;
  categoryName: string | null;
  title: string;
  requesterName: string | null;
  requesterPhone: string | null;
  address: string | null;
  areaId: string | null;
  receivedAt: string;
  mainDepartmentId: string | null;
  mainDepartmentName: string | null;
  centreId: string | null;
  dueAt: string | null;
  signDueAt: string | null;
  light: Light;
  overdue: boolean;
  rating: number | null;
}

export interface CaseView extends CaseItem {
  text: string;
  location: { lng: number; lat: number; address: string | null } | null;
  centreName: string | null;
  areaPath: Array<{ id: string; code: string; name: string; level: string }>;
  assignments: Array<{ id: string; departmentId: string; departmentName: string | null; role: string; status: string; round: number; signDueAt: string | null }>;
  allowedActions: string[];
  version: number;
  reply: string | null;
  pendingExtension: unknown;
}

export interface HistoryEntry {
  id: string;
  seq: number;
  at: string;
  actor: string | null;
  action: string;
  fromState?: string | null;
  toState?: string | null;
  note?: string | null;
  departmentId?: string | null;
  data?: Record<string, unknown>;
}

export interface Category {
  code: string;
  name: string;
  nameEn?: string | null;
  parentCode: string | null;
  active?: boolean;
}

export interface Account {
  id: string;
  username: string;
  displayName: string;
  departmentId: string | null;
  grants: Array<{ id: string; role: string; departmentId: string | null }>;
}

export interface Me {
  account: Account;
  permissions: string[];
}

export interface PublicCase {
  number: string;
  state: string;
  stateName: string;
  title: string;
  categoryName: string | null;
  receivedAt: string;
  dueAt: string | null;
  reply: string | null;
  rating: number | null;
  canRate: boolean;
  timeline: Array<{ at: string; action: string; actionName: string; state: string; department: string | null; note: string | null }>;
}

export interface KpiRow {
  key: string;
  name: string;
  counters: Record<string, number>;
  rates: Record<string, { value: number | null; numerator: number; denominator: number }>;
}

export interface Department {
  id: string;
  code: string;
  name: string;
  nameEn?: string;
  tier: string;
  kind: string;
  parentId?: string | null;
  areaId?: string | null;
}

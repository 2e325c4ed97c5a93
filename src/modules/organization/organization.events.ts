/** Events the organization module publishes. */
export const ORGANIZATION_EVENTS = {
  /** Departments, staff or rules changed; other processes reload their caches. */
  changed: 'organization.directory.changed',
} as const;

export interface DirectoryChangedPayload {
  what: 'departments' | 'staff' | 'rules';
  created: number;
  updated: number;
}

/** Events the places module publishes. */
export const PLACES_EVENTS = {
  /** Areas were created or changed by an import; other processes reload their index. */
  areasImported: 'places.areas.imported',
} as const;

export interface AreasImportedPayload {
  created: number;
  updated: number;
}

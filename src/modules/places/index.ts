export type { PlacesApi, AreaSummary, AreaInput, AreaImportReport } from './places.api.ts';
export { AREA_LEVELS, type AreaLevel, type AreaGeometry } from './domain/area.ts';
export { PLACES_EVENTS } from './places.events.ts';
export { createPlacesModule, type PlacesModule } from './places.module.ts';
export { placesMigrations } from './migrations/index.ts';
export { PLACES_PERMISSIONS } from './places.permissions.ts';

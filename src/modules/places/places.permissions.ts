/** Permissions the places routes declare (granted to roles by the identity module). */
export const PLACES_PERMISSIONS = {
  read: 'places.read',
  admin: 'places.admin',
} as const;

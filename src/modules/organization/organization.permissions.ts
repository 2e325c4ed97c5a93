/** Permissions the organization routes declare (granted to roles by the identity module). */
export const ORGANIZATION_PERMISSIONS = {
  read: 'organization.read',
  admin: 'organization.admin',
} as const;

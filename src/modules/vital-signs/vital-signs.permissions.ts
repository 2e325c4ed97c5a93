/** Permissions the vital-signs routes declare (granted to roles by the identity module). */
export const VITALS_PERMISSIONS = {
  /** See the index, its drill-down to deductions and the case numbers behind them, trends, the catalogue. */
  read: 'vitals.read',
  /** Change the catalogue (a new version), take snapshots, map attribute areas. */
  admin: 'vitals.admin',
} as const;

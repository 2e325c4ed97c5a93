/** Permissions the sensing routes declare (granted to roles by the identity module). */
export const SENSING_PERMISSIONS = {
  /** See devices, readings, rollups, rules, alarms and incidents. */
  read: 'sensing.read',
  /** Acknowledge, comment on, assign and clear alarms. */
  handle: 'sensing.handle',
  /** Register devices and types, record consent, change rules, install domain packs. */
  admin: 'sensing.admin',
  /**
   * Send readings (device gateways). The same string as identity's token scope `sensing.ingest`,
   * repeated here because sensing does not import identity.
   */
  ingest: 'sensing.ingest',
} as const;

/** Events the identity module publishes (payloads carry ids and roles only). */
export const IDENTITY_EVENTS = {
  /** A staff account was created. Payload: AccountChangedPayload. */
  accountCreated: 'identity.account.created',
  /** An account was deactivated; its sessions and tokens are revoked. */
  accountDeactivated: 'identity.account.deactivated',
  /** A role grant was added or removed (e.g. a browser stream re-checks its data scope). */
  grantsChanged: 'identity.grants.changed',
  /** An API token was revoked. Payload: { tokenId }. */
  tokenRevoked: 'identity.token.revoked',
} as const;

export interface AccountChangedPayload {
  accountId: string;
  grants: Array<{ role: string; departmentId: string | null }>;
}

export interface TokenRevokedPayload {
  tokenId: string;
}

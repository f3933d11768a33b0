/**
 * Every event type Portcullis publishes, once. Names follow `<area>.<entity>.<past-tense verb>`
 * and double as the AMQP routing key, so a consumer binds `auth.token.*` or `mcp.#` and gets
 * exactly that family (ARCHITECTURE.md, "Event contract").
 */
export const EventType = {
  ClientRegistered: 'auth.client.registered',
  ClientRegistrationRejected: 'auth.client.registration_rejected',
  ClientUpdated: 'auth.client.updated',
  ClientDeleted: 'auth.client.deleted',
  UserCreated: 'auth.user.created',
  UserUpdated: 'auth.user.updated',
  GrantRevoked: 'auth.grant.revoked',
  LoginSucceeded: 'auth.login.succeeded',
  LoginFailed: 'auth.login.failed',
  FederatedLoginFailed: 'auth.federated_login.failed',
  ConsentGranted: 'auth.consent.granted',
  ConsentDenied: 'auth.consent.denied',
  AuthorizationDenied: 'auth.authorization.denied',
  CodeIssued: 'auth.code.issued',
  TokenIssued: 'auth.token.issued',
  TokenRefreshed: 'auth.token.refreshed',
  TokenRejected: 'auth.token.rejected',
  RefreshTokenReuseDetected: 'auth.refresh_token.reuse_detected',
  TokenRevoked: 'auth.token.revoked',
  TokenIntrospected: 'auth.token.introspected',
  SigningKeyRotated: 'auth.signing_key.rotated',
  McpRequestDenied: 'mcp.request.denied',
  McpToolCalled: 'mcp.tool.called',
} as const;

export type EventTypeName = (typeof EventType)[keyof typeof EventType];

export const EVENT_TYPES: readonly EventTypeName[] = Object.values(EventType);

export function isEventType(value: unknown): value is EventTypeName {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

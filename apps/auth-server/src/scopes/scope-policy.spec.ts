import { OAuthError } from '@portcullis/oauth';
import { Scope, scopesForResource } from '@portcullis/scopes';
import { ClientEntity } from '../clients/client.entity';
import { ProtectedResource } from '../resources/resource-registry';
import { allowedScopes, resolveRequestedScopes } from './scope-policy';

const mcp: ProtectedResource = { identifier: 'http://localhost:3000/mcp', kind: 'mcp', scopes: scopesForResource('mcp'), privilegedScopes: [] };
const audit: ProtectedResource = { identifier: 'http://localhost:3100/audit', kind: 'audit', scopes: scopesForResource('audit'), privilegedScopes: [Scope.AuditRead] };

function client(over: Partial<ClientEntity> = {}): ClientEntity {
  return Object.assign(new ClientEntity(), { clientId: 'c', trusted: false, scope: null, grantTypes: ['authorization_code'], ...over });
}

function errorOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as OAuthError).error;
  }
  return undefined;
}

describe('scope policy', () => {
  it('defaults to every non-privileged scope of the resource', () => {
    expect(resolveRequestedScopes(undefined, client(), mcp, 'authorization_code').sort()).toEqual([...scopesForResource('mcp')].sort());
  });

  it('refuses a scope of another resource', () => {
    expect(errorOf(() => resolveRequestedScopes(Scope.AuditRead, client(), mcp, 'authorization_code'))).toBe('invalid_scope');
  });

  it('never lets an untrusted client hold a privileged scope', () => {
    expect(errorOf(() => resolveRequestedScopes(Scope.AuditRead, client(), audit, 'authorization_code'))).toBe('invalid_scope');
    expect(errorOf(() => resolveRequestedScopes(undefined, client(), audit, 'authorization_code'))).toBe('invalid_scope');
    expect(resolveRequestedScopes(Scope.AuditRead, client({ trusted: true }), audit, 'client_credentials')).toEqual([Scope.AuditRead]);
  });

  it('lets a trusted machine client hold audit:read for itself, but never through jwt-bearer (a person this server cannot check for the admin role)', () => {
    expect(allowedScopes(client({ trusted: true }), audit, 'client_credentials').has(Scope.AuditRead)).toBe(true);
    expect(allowedScopes(client({ trusted: true }), audit, 'jwt_bearer').has(Scope.AuditRead)).toBe(false);
    // The people's flow offers it; the person's role is checked at authorization and refresh.
    expect(allowedScopes(client({ trusted: true }), audit, 'authorization_code').has(Scope.AuditRead)).toBe(true);
  });

  it('keeps a trusted client, and any client_credentials request, within the registered scope', () => {
    const c = client({ scope: 'sentiment:read', trusted: true });
    expect(errorOf(() => resolveRequestedScopes('watchlist:read', c, mcp, 'authorization_code'))).toBe('invalid_scope');
    expect(resolveRequestedScopes(undefined, c, mcp, 'authorization_code')).toEqual(['sentiment:read']);
    expect(errorOf(() => resolveRequestedScopes('watchlist:read', c, mcp, 'client_credentials'))).toBe('invalid_scope');
  });

  it('lets an openly registered client step up beyond the scope it registered with (the person consents)', () => {
    const c = client({ scope: 'sentiment:read' });
    expect(resolveRequestedScopes('sentiment:read watchlist:write', c, mcp, 'authorization_code')).toEqual(['sentiment:read', 'watchlist:write']);
    // Never to a privileged scope.
    expect(errorOf(() => resolveRequestedScopes('audit:read', client({ scope: 'audit:read' }), audit, 'authorization_code'))).toBe('invalid_scope');
  });

  it('grants offline_access only in the people flow, only on request, and only to a client issued refresh tokens', () => {
    const refreshing = client({ grantTypes: ['authorization_code', 'refresh_token'] });
    expect(allowedScopes(refreshing, mcp, 'client_credentials').has(Scope.OfflineAccess)).toBe(false);
    expect(resolveRequestedScopes('offline_access sentiment:read', refreshing, mcp, 'authorization_code')).toContain(Scope.OfflineAccess);
    // Not registered for the refresh_token grant: dropped (it could never be used), not refused.
    expect(resolveRequestedScopes('offline_access sentiment:read', client(), mcp, 'authorization_code')).toEqual(['sentiment:read']);
    expect(resolveRequestedScopes('offline_access', client(), mcp, 'authorization_code')).not.toContain(Scope.OfflineAccess);
    expect(errorOf(() => resolveRequestedScopes('offline_access', client({ trusted: true }), mcp, 'client_credentials'))).toBe('invalid_scope');
  });

  it('refuses malformed scope strings', () => {
    expect(errorOf(() => resolveRequestedScopes('a"b', client(), mcp, 'authorization_code'))).toBe('invalid_scope');
  });
});

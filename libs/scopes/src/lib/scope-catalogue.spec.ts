import { expandScopes, isPrivilegedScope, satisfiesScopes, Scope, scopesForResource } from './scope-catalogue';

describe('scope catalogue', () => {
  it('expands watchlist:write to include watchlist:read', () => {
    expect([...expandScopes([Scope.WatchlistWrite])].sort()).toEqual([Scope.WatchlistRead, Scope.WatchlistWrite]);
  });

  it('does not let watchlist:read satisfy watchlist:write', () => {
    expect(satisfiesScopes([Scope.WatchlistRead], [Scope.WatchlistWrite])).toBe(false);
    expect(satisfiesScopes([Scope.WatchlistWrite], [Scope.WatchlistRead])).toBe(true);
  });

  it('keeps offline_access and audit:read off the MCP resource', () => {
    const mcp = scopesForResource('mcp');
    expect(mcp).not.toContain(Scope.OfflineAccess);
    expect(mcp).not.toContain(Scope.AuditRead);
    expect(scopesForResource('audit')).toEqual([Scope.AuditRead]);
  });

  it('marks only audit:read privileged', () => {
    expect(isPrivilegedScope(Scope.AuditRead)).toBe(true);
    expect(isPrivilegedScope(Scope.WatchlistWrite)).toBe(false);
    expect(isPrivilegedScope('nonsense')).toBe(false);
  });
});

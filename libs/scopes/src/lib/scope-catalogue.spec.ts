import { declaredScopes, expandScopes, findScope, isPrivilegedScope, satisfiesScopes, Scope, scopesForResource } from './scope-catalogue';

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

describe('declared scopes', () => {
  it('are checked and returned by name with their description and privilege, implying nothing', () => {
    const declared = declaredScopes([
      { name: 'everything:use', description: 'Use the everything server', privileged: false },
      { name: 'everything:admin', description: 'Administer it', privileged: true },
    ]);
    expect(declared.get('everything:use')?.description).toBe('Use the everything server');
    expect(declared.get('everything:admin')?.privileged).toBe(true);
    expect([...expandScopes(['everything:use'])]).toEqual(['everything:use']);
    // The catalogue itself is not changed by a declaration.
    expect(findScope('everything:use')).toBeUndefined();
    expect(isPrivilegedScope('everything:admin')).toBe(false);
  });

  it('refuses a built-in name and a second, different meaning', () => {
    expect(() => declaredScopes([{ name: Scope.SentimentRead, description: 'x', privileged: false }])).toThrow(/built in/);
    const twice = [
      { name: 'everything:use', description: 'Use it', privileged: false },
      { name: 'everything:use', description: 'another', privileged: false },
    ];
    expect(() => declaredScopes(twice)).toThrow(/declared twice/);
  });
});

import { declaredScopes, expandScopes, findScope, heldByMachines, isPrivilegedScope, Role, roleForScope, satisfiesScopes, Scope, scopeBeyondRoles, scopesForResource } from './scope-catalogue';

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

  it('marks audit:read privileged, not the MCP scopes', () => {
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

describe('role scopes', () => {
  it('keeps admin:read and admin:write privileged, for the admin role, on the admin resource', () => {
    expect(scopesForResource('admin')).toEqual([Scope.AdminRead, Scope.AdminWrite]);
    expect(isPrivilegedScope(Scope.AdminWrite)).toBe(true);
    expect(roleForScope(Scope.AdminRead)).toBe(Role.Admin);
    // audit:read: people need the role too, and a trusted machine client may hold it for itself.
    expect(roleForScope(Scope.AuditRead)).toBe(Role.Admin);
    expect(heldByMachines(Scope.AuditRead)).toBe(true);
    expect(heldByMachines(Scope.AdminRead)).toBe(false);
  });

  it('names the first scope a person may not hold without the role', () => {
    expect(scopeBeyondRoles([Scope.SentimentRead, Scope.AdminWrite], [])).toBe(Scope.AdminWrite);
    expect(scopeBeyondRoles([Scope.AuditRead], [])).toBe(Scope.AuditRead);
    expect(scopeBeyondRoles([Scope.AdminRead, Scope.AdminWrite], [Role.Admin])).toBeUndefined();
    // admin:write does not imply admin:read.
    expect([...expandScopes([Scope.AdminWrite])]).toEqual([Scope.AdminWrite]);
  });
});

/**
 * Every scope Portcullis knows, once. The consent page shows `description`; resource servers
 * and the authorization server read `resource` and `implies` from here, never from inline
 * strings.
 *
 * Implication: holding `watchlist:write` implies `watchlist:read` (whoever may change a list
 * may see it). `expandScopes` applies implications; the authorization server still issues
 * exactly the scopes granted, and resource servers expand before checking.
 */
export const Scope = {
  SentimentAnalyze: 'sentiment:analyze',
  SentimentRead: 'sentiment:read',
  WatchlistRead: 'watchlist:read',
  WatchlistWrite: 'watchlist:write',
  AuditRead: 'audit:read',
  AdminRead: 'admin:read',
  AdminWrite: 'admin:write',
  /** OpenID Connect Core §11; an authorization-server scope, never sent to resources. */
  OfflineAccess: 'offline_access',
} as const;

export type ScopeName = (typeof Scope)[keyof typeof Scope];

/** Which resource a scope belongs to; `authorization-server` scopes are for the AS itself. */
export type ResourceKind = 'mcp' | 'audit' | 'admin' | 'authorization-server';

/**
 * Roles a person's account can have. A scope that names a role is held only by a person
 * with it: checked when the person authorizes and again at every refresh.
 */
export const Role = {
  Admin: 'admin',
} as const;

export type RoleName = (typeof Role)[keyof typeof Role];

export const ROLES: readonly RoleName[] = Object.values(Role);

export interface ScopeDefinition {
  name: ScopeName;
  description: string;
  resource: ResourceKind;
  /** Scopes a holder of this one also has. */
  implies: ScopeName[];
  /** Only trusted clients may hold it; open registration can never obtain it. */
  privileged: boolean;
  /** Only for a person with this role: never through jwt-bearer, nor client_credentials unless `machines`. */
  role?: RoleName;
  /**
   * A trusted client may also hold it for itself through client_credentials, where no person
   * is present (a SIEM reading the audit log). People still need `role`.
   */
  machines?: boolean;
}

export const SCOPE_CATALOGUE: readonly ScopeDefinition[] = [
  {
    name: Scope.SentimentAnalyze,
    description: 'Score the sentiment of text you send',
    resource: 'mcp',
    implies: [],
    privileged: false,
  },
  {
    name: Scope.SentimentRead,
    description: 'Read aggregated news sentiment for stock tickers',
    resource: 'mcp',
    implies: [],
    privileged: false,
  },
  {
    name: Scope.WatchlistRead,
    description: 'See your watchlist of tickers',
    resource: 'mcp',
    implies: [],
    privileged: false,
  },
  {
    name: Scope.WatchlistWrite,
    description: 'Add tickers to and remove tickers from your watchlist (includes seeing it)',
    resource: 'mcp',
    implies: [Scope.WatchlistRead],
    privileged: false,
  },
  {
    name: Scope.AuditRead,
    description: 'Read the audit log of every event in the system',
    resource: 'audit',
    implies: [],
    privileged: true,
    // The log names every person and client: a person reads it only as an operator (the
    // console), a trusted machine client (a SIEM) through client_credentials.
    role: Role.Admin,
    machines: true,
  },
  {
    name: Scope.AdminRead,
    description: 'See every client, user, grant, signing key and resource of this authorization server',
    resource: 'admin',
    implies: [],
    privileged: true,
    role: Role.Admin,
  },
  {
    // Does not imply admin:read: a tool that only acts need not see everything.
    name: Scope.AdminWrite,
    description: 'Change clients, users, grants and signing keys of this authorization server',
    resource: 'admin',
    implies: [],
    privileged: true,
    role: Role.Admin,
  },
  {
    name: Scope.OfflineAccess,
    description: 'Stay connected when you are away (a refresh token)',
    resource: 'authorization-server',
    implies: [],
    privileged: false,
  },
];

const BY_NAME = new Map<string, ScopeDefinition>(SCOPE_CATALOGUE.map((s) => [s.name, s]));

/** What the consent page and registration need to know of any scope, built in or declared. */
export interface ScopeDescription {
  name: string;
  description: string;
  privileged: boolean;
}

/**
 * Checks scopes declared by configuration rather than built in (each gateway upstream's own,
 * libs/gateway-config) and returns them by name. They imply nothing. A built-in name is
 * refused, and so is one name with two descriptions: one name, one meaning. Whoever owns the
 * configuration (the authorization server's scope directory) keeps the result.
 */
export function declaredScopes(scopes: readonly ScopeDescription[]): ReadonlyMap<string, ScopeDescription> {
  const declared = new Map<string, ScopeDescription>();
  for (const scope of scopes) {
    if (BY_NAME.has(scope.name)) throw new Error(`scope '${scope.name}' is built in and cannot be declared again`);
    const known = declared.get(scope.name);
    if (known && known.description !== scope.description) throw new Error(`scope '${scope.name}' is declared twice`);
    declared.set(scope.name, { name: scope.name, description: scope.description, privileged: scope.privileged });
  }
  return declared;
}

/** A built-in scope; declared ones are known only to the authorization server's directory. */
export function findScope(name: string): ScopeDescription | undefined {
  return BY_NAME.get(name);
}

export function scopesForResource(kind: ResourceKind): ScopeName[] {
  return SCOPE_CATALOGUE.filter((s) => s.resource === kind).map((s) => s.name);
}

export function isPrivilegedScope(name: string): boolean {
  return findScope(name)?.privileged ?? false;
}

/** The role a person must have to hold this scope, if any (only built-in scopes name one). */
export function roleForScope(name: string): RoleName | undefined {
  return BY_NAME.get(name)?.role;
}

/** Whether a trusted client may hold this role-bound scope for itself, with no person (client_credentials). */
export function heldByMachines(name: string): boolean {
  return BY_NAME.get(name)?.machines === true;
}

/** The first of `scopes` a person with `roles` may not hold, if any. */
export function scopeBeyondRoles(scopes: Iterable<string>, roles: readonly string[]): string | undefined {
  for (const scope of scopes) {
    const role = roleForScope(scope);
    if (role && !roles.includes(role)) return scope;
  }
  return undefined;
}

/** The scopes granted plus every scope they imply (transitively). */
export function expandScopes(granted: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const queue = [...granted];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (out.has(name)) continue;
    out.add(name);
    queue.push(...(BY_NAME.get(name)?.implies ?? []));
  }
  return out;
}

/** True when the granted scopes (with implications) cover every required scope. */
export function satisfiesScopes(granted: Iterable<string>, required: Iterable<string>): boolean {
  const have = expandScopes(granted);
  for (const r of required) if (!have.has(r)) return false;
  return true;
}

import { InvalidScope, parseScope } from '@portcullis/oauth';
import { heldByMachines, roleForScope, Scope } from '@portcullis/scopes';
import { ClientEntity } from '../clients/client.entity';
import { ProtectedResource } from '../resources/resource-registry';
import { issuesRefreshToken } from './refresh-token-policy';

/** jwt_bearer: RFC 7523 §2.1, where an asserting issuer (not a person here) vouches for the subject. */
export type Flow = 'authorization_code' | 'client_credentials' | 'jwt_bearer';

/**
 * What a client may hold at a resource: the resource's scopes, without privileged scopes
 * unless the client is trusted. `offline_access` is the authorization server's own scope:
 * only people's flows carry it, and only for a client that is issued refresh tokens
 * (refresh-token-policy.ts).
 *
 * A registered `scope` (RFC 7591 §2) is a hard limit for trusted clients and for
 * client_credentials and jwt_bearer, where no person approves here. For an openly registered client in the
 * people's flow it is not: MCP clients register with the scopes of the first challenge and
 * later step up to more (MCP authorization, "Step-Up Authorization Flow"); the person's
 * consent is what grants them, and privileged scopes stay out of reach either way.
 *
 * A scope that names a role (admin:read, admin:write, audit:read) is for a person who has it:
 * the people's flow carries it (the person's role is checked there and at refresh), jwt_bearer
 * never (its subject is a person this server cannot check), client_credentials only for a
 * scope machines may hold (audit:read: the client acts for itself, no person is present).
 */
export function allowedScopes(client: ClientEntity, resource: ProtectedResource, flow: Flow): Set<string> {
  const capped = client.scope && (client.trusted || flow !== 'authorization_code');
  const registered = capped ? new Set(parseScope(client.scope as string) ?? []) : undefined;
  const out = new Set<string>();
  const offline = flow === 'authorization_code' && issuesRefreshToken(client);
  const candidates = offline ? [...resource.scopes, Scope.OfflineAccess] : resource.scopes;
  for (const scope of candidates) {
    if (registered && !registered.has(scope)) continue;
    if (resource.privilegedScopes.includes(scope) && !client.trusted) continue;
    if (flow !== 'authorization_code' && roleForScope(scope) && !(flow === 'client_credentials' && heldByMachines(scope))) continue;
    out.add(scope);
  }
  return out;
}

/**
 * Resolves the `scope` parameter of an authorization or client_credentials request
 * (RFC 6749 §3.3). Absent → everything the client may hold at the resource (minus
 * offline_access, which is only granted on request). Any scope the resource does not accept,
 * or the client may not hold, is `invalid_scope`, naming it. In the people's flow,
 * `offline_access` from a client that is never issued refresh tokens is dropped rather than
 * refused (OpenID Connect Core §11: ignored when it cannot be honoured; RFC 6749 §3.3: the
 * token response names the scope actually granted).
 */
export function resolveRequestedScopes(
  requested: string | undefined,
  client: ClientEntity,
  resource: ProtectedResource,
  flow: Flow,
): string[] {
  const given = parseScope(requested);
  if (given === undefined) throw new InvalidScope('scope is malformed');
  const allowed = allowedScopes(client, resource, flow);
  const ignored = flow === 'authorization_code' && !allowed.has(Scope.OfflineAccess) ? Scope.OfflineAccess : undefined;
  const parsed = given.filter((s) => s !== ignored);
  if (parsed.length === 0) {
    const fallback = [...allowed].filter((s) => s !== Scope.OfflineAccess);
    if (fallback.length === 0) throw new InvalidScope('this client may not hold any scope at this resource');
    return fallback;
  }
  for (const scope of parsed) {
    if (scope === Scope.OfflineAccess && flow === 'authorization_code' && allowed.has(scope)) continue;
    if (!resource.scopes.includes(scope) && scope !== Scope.OfflineAccess) {
      throw new InvalidScope(`scope '${scope}' is not accepted by resource ${resource.identifier}`);
    }
    if (!allowed.has(scope)) throw new InvalidScope(`this client may not hold scope '${scope}'`);
  }
  return parsed;
}

/** The scopes that go into an access token: never offline_access (it is not for resources). */
export function resourceScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => s !== Scope.OfflineAccess);
}

/**
 * The scopes of a jwt-bearer grant: the intersection of what is requested (absent → all the
 * client may hold), what the client may hold at the resource, and each limit the trusted
 * issuer's configuration or assertion sets (MCP Enterprise-Managed Authorization §7.2.1:
 * "the intersection of the requested scopes and the scopes present in the ID-JAG"). A scope
 * the resource does not know is `invalid_scope`, naming it; an empty intersection is too.
 */
export function intersectScopes(
  requested: string | undefined,
  client: ClientEntity,
  resource: ProtectedResource,
  limits: readonly (readonly string[] | undefined)[],
): string[] {
  const given = parseScope(requested);
  if (given === undefined) throw new InvalidScope('scope is malformed');
  const unknown = given.find((s) => !resource.scopes.includes(s));
  if (unknown) throw new InvalidScope(`scope '${unknown}' is not accepted by resource ${resource.identifier}`);
  const allowed = allowedScopes(client, resource, 'jwt_bearer');
  const candidates = given.length > 0 ? given : [...allowed];
  const granted = candidates.filter((s) => allowed.has(s) && limits.every((limit) => !limit || limit.includes(s)));
  if (granted.length === 0) throw new InvalidScope('none of the requested scopes may be granted to this client by this assertion');
  return granted;
}

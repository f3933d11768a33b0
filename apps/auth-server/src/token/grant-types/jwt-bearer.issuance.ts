import { Injectable } from '@nestjs/common';
import { canonicalResource, InvalidGrant, InvalidTarget, JWT_BEARER_GRANT_TYPE, OAuthError, parseScope } from '@portcullis/oauth';
import { ClientEntity } from '../../clients/client.entity';
import { ProtectedResource, ResourceRegistry } from '../../resources/resource-registry';
import { intersectScopes } from '../../scopes/scope-policy';
import { AssertionJtiLedger } from '../../trusted-issuers/assertion-jti.ledger';
import { CLOCK_TOLERANCE_S } from '../../trusted-issuers/assertion-verifier';
import type { VerifiedIdJag } from '../../trusted-issuers/id-jag.verifier';
import type { WorkloadIdentity } from '../../trusted-issuers/workload.verifier';
import { AccessTokenIssuer } from '../access-token.issuer';
import { TokenEventsPublisher } from '../token-events.publisher';
import type { VouchedBy } from '../token-events';
import type { JwtBearerParameters } from '../token-request.schemas';
import type { TokenResponse } from './grant-handler';

interface Issuance {
  client: ClientEntity;
  /** `<connection>:<sub>`: the issuer's name keeps asserted subjects apart from local users and from each other. */
  subject: string;
  resource: ProtectedResource;
  scopes: string[];
  vouchedBy: VouchedBy;
  jti: string;
  exp: number;
}

/**
 * What the jwt-bearer grant does once an assertion is verified: the resource and the scopes
 * it may carry, the assertion's single use, then one access token for one resource, as
 * client_credentials issues it. No refresh token: a new assertion is the way to a new token
 * (RFC 7521 §4.1 leaves it to the server; the IdP's policy is consulted each time).
 */
@Injectable()
export class JwtBearerIssuance {
  constructor(
    private readonly resources: ResourceRegistry,
    private readonly ledger: AssertionJtiLedger,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly events: TokenEventsPublisher,
  ) {}

  /** MCP Enterprise-Managed Authorization §5.1 and §7.6.2, draft §4.4.1. */
  async forIdJag(client: ClientEntity, params: JwtBearerParameters, grant: VerifiedIdJag): Promise<TokenResponse> {
    const { idp } = grant;
    // Draft §4.4.1: the ID-JAG's client_id is the client that authenticated.
    if (grant.clientId !== client.clientId) throw new InvalidGrant(`ID-JAG from '${idp.name}' was issued to another client`);
    if (!idp.clients.includes(client.clientId)) throw new InvalidGrant(`this client may not present grants of '${idp.name}'`);
    const resource = this.idJagResource(grant, params.resource);
    // §7.6.2: scopes the resource does not have are a mismatched grant, not a bad request.
    const foreign = grant.scopes?.find((s) => !resource.scopes.includes(s));
    if (foreign) throw new InvalidGrant(`ID-JAG from '${idp.name}' grants scope '${foreign}', which ${resource.identifier} does not have`);
    const scopes = intersectScopes(params.scope, client, resource, [grant.scopes, idp.scopes]);
    const vouchedBy: VouchedBy = { profile: 'id-jag', connection: idp.name, issuer: idp.issuer };
    return this.issue({ client, subject: `${idp.name}:${grant.subject}`, resource, scopes, vouchedBy, jti: grant.jti, exp: grant.exp }, 'idp_policy');
  }

  /** MCP Workload Identity Federation: the rule's client, its scopes, the requested resource. */
  async forWorkload(client: ClientEntity, params: JwtBearerParameters, workload: WorkloadIdentity): Promise<TokenResponse> {
    const { source, rule } = workload;
    const resource = this.resources.resolve(params.resource);
    const scopes = intersectScopes(params.scope, client, resource, [rule.scopes]);
    const vouchedBy: VouchedBy = { profile: 'workload', connection: source.name, issuer: source.issuer };
    return this.issue({ client, subject: `${source.name}:${workload.subject}`, resource, scopes, vouchedBy, jti: workload.jti, exp: workload.exp });
  }

  /**
   * The resource the ID-JAG names (§7.6.2: one this server protects, else `invalid_grant`),
   * which a `resource` parameter may repeat but not contradict (RFC 8707 §2 `invalid_target`);
   * when the ID-JAG names none, the parameter decides as in every other grant.
   */
  private idJagResource(grant: VerifiedIdJag, requested: string | undefined): ProtectedResource {
    let resource: ProtectedResource;
    if (grant.resource === undefined) {
      resource = this.resources.resolve(requested);
    } else {
      try {
        resource = this.resources.resolve(grant.resource);
      } catch (err) {
        if (err instanceof OAuthError) throw new InvalidGrant(`ID-JAG from '${grant.idp.name}' names a resource this server does not protect`);
        throw err;
      }
      if (requested !== undefined && canonicalResource(requested) !== resource.identifier) {
        throw new InvalidTarget('resource differs from the one the ID-JAG names');
      }
    }
    const limit = grant.idp.resources?.map((r) => canonicalResource(r));
    if (limit && !limit.includes(resource.identifier)) throw new InvalidGrant(`'${grant.idp.name}' may not grant access to ${resource.identifier}`);
    return resource;
  }

  private async issue(i: Issuance, consent?: 'idp_policy'): Promise<TokenResponse> {
    // Last of all checks, so a refused request can be corrected and sent again with the same assertion.
    if (!(await this.ledger.use(i.vouchedBy.issuer, i.jti, (i.exp + CLOCK_TOLERANCE_S) * 1000))) {
      throw new InvalidGrant(`assertion from '${i.vouchedBy.connection}' was already used`);
    }
    const access = await this.accessTokens.issue({ subject: i.subject, clientId: i.client.clientId, resource: i.resource.identifier, scopes: i.scopes });
    await this.events.tokenIssuedUnstored({
      grantType: JWT_BEARER_GRANT_TYPE,
      clientId: i.client.clientId,
      subject: i.subject,
      resource: i.resource.identifier,
      scopes: parseScope(access.scope) ?? [],
      jti: access.jti,
      expiresAt: access.expiresAt,
      vouchedBy: i.vouchedBy,
      ...(consent ? { consent } : {}),
    });
    return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope: access.scope };
  }
}

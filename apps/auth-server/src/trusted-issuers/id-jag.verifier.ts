import { Inject, Injectable } from '@nestjs/common';
import { ID_JAG_TYP, InvalidGrant, parseScope } from '@portcullis/oauth';
import { AUTH_CONFIG } from '../config/auth-config';
import type { AuthConfig } from '../config/auth-config';
import type { EnterpriseIdp } from '../config/trusted-issuers-file';
import { AssertionVerifier } from './assertion-verifier';
import { TrustedIssuerDirectory } from './trusted-issuer.directory';

/** An Identity Assertion JWT Authorization Grant that passed every check of its own. */
export interface VerifiedIdJag {
  idp: EnterpriseIdp;
  /** The person at the IdP (`sub`, unique within the issuer: the draft's §6). */
  subject: string;
  /** The client the IdP issued the grant to (draft §3.1 `client_id`). */
  clientId: string;
  /** The resource it is for (draft §3.1 `resource`), as given; absent = not named. */
  resource?: string;
  /** The scopes the IdP's policy granted (`scope`); absent = not limited by the IdP. */
  scopes?: string[];
  jti: string;
  exp: number;
}

/**
 * draft-ietf-oauth-identity-assertion-authz-grant §4.4.1 and the MCP Enterprise-Managed
 * Authorization profile (§5.1, §7.4, §7.6): an ID-JAG from a declared enterprise IdP, typed
 * `oauth-id-jag+jwt`, signed with the IdP's published keys, for this authorization server as
 * its only audience (its issuer identifier, §7.6.2), short-lived, naming its client.
 */
@Injectable()
export class IdJagVerifier {
  private readonly audiences: string[];

  constructor(
    private readonly directory: TrustedIssuerDirectory,
    private readonly verifier: AssertionVerifier,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    // The issuer identifier, with or without the trailing slash the profile's examples carry.
    this.audiences = [config.issuerUrl, `${config.issuerUrl}/`];
  }

  async verify(assertion: string, iss: unknown): Promise<VerifiedIdJag> {
    const idp = this.directory.enterpriseIdp(iss);
    if (!idp) throw new InvalidGrant('the ID-JAG issuer is not a trusted enterprise IdP');
    const { claims } = await this.verifier.verify(assertion, idp, { audiences: this.audiences, types: [ID_JAG_TYP], singleAudience: true });
    const { client_id: clientId, resource, scope } = claims;
    if (typeof clientId !== 'string' || !clientId) throw new InvalidGrant(`ID-JAG from '${idp.name}' names no client_id`);
    if (resource !== undefined && (typeof resource !== 'string' || !resource)) {
      throw new InvalidGrant(`ID-JAG from '${idp.name}' must name one resource`);
    }
    let scopes: string[] | undefined;
    if (scope !== undefined) {
      scopes = typeof scope === 'string' ? parseScope(scope) : undefined;
      if (!scopes) throw new InvalidGrant(`ID-JAG from '${idp.name}' has a malformed scope`);
    }
    return { idp, subject: claims.sub, clientId, resource: resource as string | undefined, scopes, jti: claims.jti, exp: claims.exp };
  }
}

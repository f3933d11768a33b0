import { Inject, Injectable } from '@nestjs/common';
import { InvalidGrant } from '@portcullis/oauth';
import { AUTH_CONFIG } from '../config/auth-config';
import type { AuthConfig } from '../config/auth-config';
import type { WorkloadIssuer, WorkloadRule } from '../config/trusted-issuers-file';
import { AssertionVerifier } from './assertion-verifier';
import { TrustedIssuerDirectory } from './trusted-issuer.directory';
import { matchWorkloadRule } from './workload-rules';

/** A workload JWT that passed issuer trust and matched a workload trust rule. */
export interface WorkloadIdentity {
  source: WorkloadIssuer;
  rule: WorkloadRule;
  /** The workload (`sub`): a service account, a CI job, a SPIFFE ID. */
  subject: string;
  jti: string;
  exp: number;
}

/**
 * MCP Workload Identity Federation, "JWT Validation": a JWT from a declared workload issuer
 * (issuer trust), verified with the keys at its configured `jwks_uri`, then matched against
 * that issuer's rules (workload trust). A workload platform's tokens carry no `typ` or `JWT`;
 * any other type (an access token, an ID-JAG) is not a workload credential (RFC 8725 §3.11).
 */
@Injectable()
export class WorkloadVerifier {
  private readonly audiences: string[];

  constructor(
    private readonly directory: TrustedIssuerDirectory,
    private readonly verifier: AssertionVerifier,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    // The issuer identifier (what MCP clients and the conformance suite send) or, as the WIF
    // draft's "JWT Format" words it, the token endpoint URL.
    this.audiences = [config.issuerUrl, `${config.issuerUrl}/`, `${config.issuerUrl}/token`];
  }

  async verify(assertion: string, iss: unknown): Promise<WorkloadIdentity> {
    const source = this.directory.workloadIssuer(iss);
    if (!source) throw new InvalidGrant('the assertion issuer is not trusted');
    const { claims } = await this.verifier.verify(assertion, source, { audiences: this.audiences, types: [undefined, 'jwt'] });
    const rule = matchWorkloadRule(source.rules, claims);
    if (!rule) throw new InvalidGrant(`no rule of '${source.name}' authorizes this workload`);
    return { source, rule, subject: claims.sub, jti: claims.jti, exp: claims.exp };
  }
}

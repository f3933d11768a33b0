import { Inject, Injectable } from '@nestjs/common';
import { AUTH_CONFIG } from '../config/auth-config';
import type { AuthConfig } from '../config/auth-config';
import type { EnterpriseIdp, WorkloadIssuer } from '../config/trusted-issuers-file';

/** The issuers of TRUSTED_ISSUERS_FILE, looked up by their exact `iss` (RFC 7519 §4.1.1 string comparison). */
@Injectable()
export class TrustedIssuerDirectory {
  private readonly idps: Map<string, EnterpriseIdp>;
  private readonly workloads: Map<string, WorkloadIssuer>;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.idps = new Map(config.trustedIssuersFile.enterprise_idps.map((i) => [i.issuer, i]));
    this.workloads = new Map(config.trustedIssuersFile.workload_issuers.map((i) => [i.issuer, i]));
  }

  enterpriseIdp(iss: unknown): EnterpriseIdp | undefined {
    return typeof iss === 'string' ? this.idps.get(iss) : undefined;
  }

  workloadIssuer(iss: unknown): WorkloadIssuer | undefined {
    return typeof iss === 'string' ? this.workloads.get(iss) : undefined;
  }

  /** Whether the jwt-bearer grant is on at all (metadata advertises it only then). */
  get any(): boolean {
    return this.idps.size + this.workloads.size > 0;
  }

  get hasEnterpriseIdps(): boolean {
    return this.idps.size > 0;
  }
}

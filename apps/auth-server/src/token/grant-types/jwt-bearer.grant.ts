import { Injectable } from '@nestjs/common';
import { ID_JAG_TYP, InvalidGrant, InvalidRequest, JWT_BEARER_GRANT_TYPE, parseRequest, UnauthorizedClient } from '@portcullis/oauth';
import { ClientEntity } from '../../clients/client.entity';
import { ClientsService } from '../../clients/clients.service';
import { peekAssertion } from '../../trusted-issuers/assertion-peek';
import { IdJagVerifier } from '../../trusted-issuers/id-jag.verifier';
import { TrustedIssuerDirectory } from '../../trusted-issuers/trusted-issuer.directory';
import { WorkloadIdentity, WorkloadVerifier } from '../../trusted-issuers/workload.verifier';
import { JwtBearerParameters, jwtBearerRequestSchema, TOKEN_REQUEST_ERRORS } from '../token-request.schemas';
import { ClientIdentifiedByGrant, GrantHandler, TokenResponse } from './grant-handler';
import { JwtBearerIssuance } from './jwt-bearer.issuance';

/** The request once read; `workload` is set only by identifyClient, never from the form. */
export type JwtBearerRequest = JwtBearerParameters & { workload?: WorkloadIdentity };

/**
 * The JWT bearer grant (RFC 7523 §2.1) for two profiles, told apart before any key is fetched:
 *
 * - an Identity Assertion JWT Authorization Grant (`typ` oauth-id-jag+jwt, or any assertion of a
 *   declared enterprise IdP): the client authenticates as it registered, and the grant is
 *   checked against it (MCP Enterprise-Managed Authorization §5.1);
 * - a workload's JWT from a declared workload issuer (MCP Workload Identity Federation): the
 *   assertion is the credential, so the request carries no other client authentication, and a
 *   trust rule names the client.
 *
 * An assertion whose issuer nobody declared is `invalid_grant` either way, with no fetch.
 */
@Injectable()
export class JwtBearerGrant implements GrantHandler<JwtBearerRequest> {
  readonly grantType = JWT_BEARER_GRANT_TYPE;
  readonly requestSchema = jwtBearerRequestSchema;

  constructor(
    private readonly directory: TrustedIssuerDirectory,
    private readonly idJags: IdJagVerifier,
    private readonly workloads: WorkloadVerifier,
    private readonly clients: ClientsService,
    private readonly issuance: JwtBearerIssuance,
  ) {}

  async identifyClient(body: unknown, authorization: string | undefined): Promise<ClientIdentifiedByGrant<JwtBearerRequest> | undefined> {
    const request = parseRequest(this.requestSchema, body, TOKEN_REQUEST_ERRORS);
    const { typ, iss } = peekAssertion(request.assertion);
    const credentials = presentsClientCredentials(body, authorization);
    const idJag = typ === ID_JAG_TYP || this.directory.enterpriseIdp(iss) !== undefined;
    if (idJag || (credentials && !this.directory.workloadIssuer(iss))) return undefined;
    // MCP WIF "Introduction": no client secret, no private key; one credential per request
    // (OAuth 2.1 §2.4), and here the assertion is it.
    if (credentials) throw new InvalidRequest('a workload assertion is the client credential: send no other client authentication');
    const workload = await this.workloads.verify(request.assertion, iss);
    const client = await this.clients.find(workload.rule.client_id);
    if (!client) throw new UnauthorizedClient(`the client of this '${workload.source.name}' workload is not registered`);
    if (request.client_id !== undefined && request.client_id !== client.clientId) {
      throw new InvalidGrant(`the '${workload.source.name}' workload assertion is for another client`);
    }
    return { client, request: { ...request, workload } };
  }

  async handle(client: ClientEntity, request: JwtBearerRequest): Promise<TokenResponse> {
    if (request.workload) return this.issuance.forWorkload(client, request, request.workload);
    const grant = await this.idJags.verify(request.assertion, peekAssertion(request.assertion).iss);
    return this.issuance.forIdJag(client, request, grant);
  }
}

/** Whether the request authenticates a client by any method of RFC 6749 §2.3 / RFC 7523 §2.2. */
function presentsClientCredentials(body: unknown, authorization: string | undefined): boolean {
  const form = (body ?? {}) as Record<string, unknown>;
  return /^basic /i.test(authorization ?? '') || form.client_secret !== undefined || form.client_assertion !== undefined;
}

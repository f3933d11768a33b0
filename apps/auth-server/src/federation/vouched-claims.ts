import type { IDToken } from 'oauth4webapi';
import type { FederatedLoginFailureReason } from './federated-login-failure';
import type { OidcConnection } from '../config/oidc-connections';
import type { VouchedPerson } from '../users/federated-users.service';

const MAX_EMAIL = 320;
const MAX_NAME = 256;

function stringClaim(claims: IDToken, name: string, max: number): string | undefined {
  const value = (claims as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}

/**
 * The person an ID token vouches for, as the connection maps its claims (OIDC Core §5.1). With
 * allowed_email_domains, the email must be verified (`email_verified` true) and in one of the
 * domains; otherwise an email is kept for display only and never trusted.
 */
export function vouchedPerson(connection: OidcConnection, issuer: string, claims: IDToken): VouchedPerson | { refused: FederatedLoginFailureReason } {
  const email = stringClaim(claims, connection.claims.email, MAX_EMAIL);
  const name = stringClaim(claims, connection.claims.name, MAX_NAME);
  if (connection.allowedEmailDomains) {
    if (!email || claims['email_verified'] !== true) return { refused: 'email_not_verified' };
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    if (!email.includes('@') || !connection.allowedEmailDomains.includes(domain)) return { refused: 'email_domain_not_allowed' };
  }
  return { connectionId: connection.id, issuer, subject: claims.sub, ...(email ? { email } : {}), ...(name ? { name } : {}) };
}

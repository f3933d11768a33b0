import type { IDToken } from 'oauth4webapi';
import type { OidcConnection } from '../config/oidc-connections';
import { vouchedPerson } from './vouched-claims';

const connection: OidcConnection = {
  id: 'acme',
  displayName: 'Acme',
  issuer: 'https://idp.acme.test',
  clientId: 'c',
  clientSecret: 's',
  tokenEndpointAuthMethod: 'client_secret_basic',
  scopes: 'openid email profile',
  claims: { name: 'name', email: 'email' },
  allowedEmailDomains: undefined,
};

const token = (claims: Record<string, unknown>) => ({ iss: 'https://idp.acme.test', aud: 'c', iat: 0, exp: 1, sub: 'sub-1', ...claims }) as IDToken;

describe('vouchedPerson', () => {
  it('maps the configured claims and links by issuer and sub', () => {
    const upn = { ...connection, claims: { name: 'given_name', email: 'preferred_username' } };
    expect(vouchedPerson(upn, 'https://idp.acme.test', token({ given_name: 'Ann', preferred_username: 'ann@acme.test', email: 'other@x.test' }))).toEqual({
      connectionId: 'acme',
      issuer: 'https://idp.acme.test',
      subject: 'sub-1',
      name: 'Ann',
      email: 'ann@acme.test',
    });
  });

  it('keeps an unverified email for display when no domains are required, and drops claims that are not short strings', () => {
    expect(vouchedPerson(connection, 'i', token({ email: 'a@b.test', email_verified: false, name: 'x'.repeat(257) }))).toEqual({ connectionId: 'acme', issuer: 'i', subject: 'sub-1', email: 'a@b.test' });
    expect(vouchedPerson(connection, 'i', token({ email: ['a@b.test'] }))).toEqual({ connectionId: 'acme', issuer: 'i', subject: 'sub-1' });
  });

  it.each([
    [{ email: 'ann@acme.test', email_verified: true }, undefined],
    [{ email: 'Ann@ACME.test', email_verified: true }, undefined],
    [{ email: 'ann@acme.test', email_verified: 'true' }, 'email_not_verified'],
    [{ email: 'ann@acme.test' }, 'email_not_verified'],
    [{}, 'email_not_verified'],
    [{ email: 'ann@evil.test', email_verified: true }, 'email_domain_not_allowed'],
    [{ email: 'ann@sub.acme.test', email_verified: true }, 'email_domain_not_allowed'],
    [{ email: 'acme.test', email_verified: true }, 'email_domain_not_allowed'],
  ])('with allowed_email_domains, %j → %s', (claims, refused) => {
    const result = vouchedPerson({ ...connection, allowedEmailDomains: ['acme.test'] }, 'i', token(claims));
    expect('refused' in result ? result.refused : undefined).toBe(refused);
  });
});

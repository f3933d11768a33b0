import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * TRUSTED_ISSUERS_FILE: the issuers whose JWTs the jwt-bearer grant (RFC 7523 §2.1) accepts,
 * declared once by the operator and validated at start, one config line per problem.
 *
 * - `enterprise_idps`: enterprise identity providers that issue Identity Assertion JWT
 *   Authorization Grants (ID-JAG, draft-ietf-oauth-identity-assertion-authz-grant; MCP
 *   "Enterprise-Managed Authorization"), each limited to the clients named for it.
 * - `workload_issuers`: workload platforms (Kubernetes, a CI provider's OIDC tokens, SPIFFE)
 *   whose JWTs identify a workload; rules on `sub` (and other claims) map it to a local client
 *   (MCP "Workload Identity Federation": issuer trust and workload trust are separate).
 *
 * Keys come only from the `jwks_uri` written here, never from a URL inside a token.
 */

/** Short name of a connection: prefixes asserted subjects and names the issuer in events. */
const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 lower-case letters, digits or dashes');
const issuer = z.string().min(1).max(2048);
const jwksUri = z.string().max(2048).refine((v) => /^https?:\/\/[^/]/.test(v) && URL.canParse(v), 'must be an http(s) URL');
const clientId = z.string().min(1).max(255);
const scopes = z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/, 'must be a scope token (RFC 6749 §3.3)')).max(64);
/** Seconds; the replay ledger keeps each jti until its assertion expires, so this bounds it. */
const maxLifetime = (fallback: number) => z.number().int().min(30).max(86_400).default(fallback);

const enterpriseIdp = z.strictObject({
  name,
  issuer,
  jwks_uri: jwksUri,
  /** The clients (client_id here) that may present this IdP's grants; the ID-JAG's client_id must be one. */
  clients: z.array(clientId).min(1, 'must name at least one client').max(256),
  /** Resources its grants may name; absent = every resource this server protects. */
  resources: z.array(z.string().max(2048).refine((v) => /^https?:\/\/[^/]/.test(v) && URL.canParse(v), 'must be a resource URL')).max(64).optional(),
  /** Scopes its grants may carry; absent = no limit beyond the client's own. */
  scopes: scopes.optional(),
  /** ID-JAGs are short-lived (the MCP profile's §7.4.2); five minutes is the drafts' example. */
  max_lifetime_seconds: maxLifetime(300),
});

/**
 * One workload trust rule: the workload whose `sub` is `sub` exactly, or matches `sub_pattern`
 * (`*` = any run of characters, nothing else is special), and whose other claims equal
 * `claims`, is the client `client_id`, limited to `scopes` when given.
 */
const workloadRule = z
  .strictObject({
    sub: z.string().min(1).max(1024).optional(),
    sub_pattern: z.string().min(1).max(1024).optional(),
    claims: z.record(z.string().max(64), z.string().max(1024)).optional(),
    client_id: clientId,
    scopes: scopes.optional(),
  })
  .refine((r) => (r.sub === undefined) !== (r.sub_pattern === undefined), 'give exactly one of sub and sub_pattern');

const workloadIssuer = z.strictObject({
  name,
  issuer,
  jwks_uri: jwksUri,
  rules: z.array(workloadRule).min(1, 'must have at least one rule').max(256),
  /** Kubernetes projected tokens live at least ten minutes and default to an hour. */
  max_lifetime_seconds: maxLifetime(3600),
});

export const trustedIssuersSchema = z
  .strictObject({
    enterprise_idps: z.array(enterpriseIdp).max(64).default([]),
    workload_issuers: z.array(workloadIssuer).max(64).default([]),
  })
  .superRefine((file, ctx) => {
    const all = [...file.enterprise_idps, ...file.workload_issuers];
    const seen = (key: 'name' | 'issuer', value: string, i: number) => all.findIndex((e) => e[key] === value) !== i;
    all.forEach((entry, i) => {
      if (seen('name', entry.name, i)) ctx.addIssue({ code: 'custom', message: `name '${entry.name}' is used twice` });
      // An issuer is either an enterprise IdP or a workload platform: its tokens are read one way.
      if (seen('issuer', entry.issuer, i)) ctx.addIssue({ code: 'custom', message: `issuer '${entry.issuer}' is declared twice` });
    });
  });

export type TrustedIssuers = z.output<typeof trustedIssuersSchema>;
export type EnterpriseIdp = TrustedIssuers['enterprise_idps'][number];
export type WorkloadIssuer = TrustedIssuers['workload_issuers'][number];
export type WorkloadRule = WorkloadIssuer['rules'][number];

const NONE: TrustedIssuers = { enterprise_idps: [], workload_issuers: [] };

/** The setting: a path, read and validated while the configuration is parsed; unset → no issuers. */
export const trustedIssuersFile = z
  .string()
  .optional()
  .transform((path, ctx): TrustedIssuers => {
    if (!path) return NONE;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      const reason = err instanceof SyntaxError ? 'not valid JSON' : `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
      ctx.addIssue({ code: 'custom', message: `${path}: ${reason}` });
      return z.NEVER;
    }
    const result = trustedIssuersSchema.safeParse(json);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', message: `${path}: ${issue.path.join('.') || '(file)'}: ${issue.message}` });
    }
    return z.NEVER;
  });

/** The JWKS URLs that are plain http: refused unless TRUSTED_ISSUERS_ALLOW_HTTP (development only). */
export function plainHttpJwksUris(issuers: TrustedIssuers): string[] {
  return [...issuers.enterprise_idps, ...issuers.workload_issuers].map((e) => e.jwks_uri).filter((u) => u.startsWith('http:'));
}

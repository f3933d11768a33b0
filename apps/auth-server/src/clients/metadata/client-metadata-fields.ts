import { z } from 'zod';
import { addOAuthIssue, canonicalResource, formatScope, parseScope, refuse } from '@portcullis/oauth';
import { findScope } from '@portcullis/scopes';
import type { MetadataPolicy } from './client-metadata';

/**
 * The schema of each client metadata field (RFC 7591 §2) on its own. Fields that depend on
 * another field (redirect URIs on the application type, keys on the auth method) are checked
 * together in client-metadata.schema.ts. Every message names the field it is about.
 */

export const MAX_REDIRECT_URIS = 20;
export const MAX_CLIENT_NAME_LENGTH = 255;
const MAX_URI_LENGTH = 2048;
const MAX_SCOPE_LENGTH = 1024;
const MAX_JWKS_KEYS = 10;
const MAX_JWKS_JSON_LENGTH = 16 * 1024;
/** JWK members that carry private or symmetric key material (RFC 7518 §6). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** Characters that could disguise a name shown to a person: controls and bidi overrides. */
const DISGUISING_CHARACTERS = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/** A value that may be sent as null or left out: both mean "not given" (null afterwards). */
export function absentAsNull<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? null);
}

/** Long values are shortened before being quoted back in a description. */
export function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 61)}...` : value;
}

/** An array of strings, duplicates dropped (RFC 7591 §2 lists are sets). */
export function stringSet(field: string) {
  const message = `${field} must be an array of strings`;
  return z
    .array(z.string({ error: message }), { error: message })
    .transform((values) => [...new Set(values)])
    .optional();
}

/** A list whose every member must be one of `allowed`; `describe` words the refusal. */
export function everyMember(allowed: readonly string[], describe: (value: string) => string) {
  return (values: string[] | undefined, ctx: z.RefinementCtx): void => {
    const unknown = values?.find((v) => !allowed.includes(v));
    if (unknown !== undefined) addOAuthIssue(ctx, describe(clip(unknown)));
  };
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/**
 * Why a web URI is refused, or undefined. `allowLoopbackHttp`: a page or logo on the user's
 * own machine is harmless to link to; a jwks_uri is fetched by this server, so it gets no
 * such exception (SSRF).
 */
function webUriProblem(value: string, policy: MetadataPolicy, allowLoopbackHttp: boolean): string | undefined {
  if (value.length > MAX_URI_LENGTH) return `is longer than ${MAX_URI_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute https URL';
  }
  if (url.username || url.password) return 'must not contain userinfo';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && (policy.allowHttpUris || (allowLoopbackHttp && isLoopbackHost(url.hostname)))) return undefined;
  return 'must be an https URL';
}

/** client_uri, logo_uri (pages and images a person may be shown) and jwks_uri: http(s) only. */
export function webUri(field: 'client_uri' | 'logo_uri' | 'jwks_uri', policy: MetadataPolicy) {
  const uri = z.string({ error: `${field} must be a string` }).superRefine((value, ctx) => {
    const problem = webUriProblem(value, policy, field !== 'jwks_uri');
    if (problem) addOAuthIssue(ctx, `${field} ${problem}`);
  });
  return absentAsNull(uri);
}

/** client_name: shown on the consent page, so bounded and free of disguising characters. */
export const clientName = absentAsNull(
  z
    .string({ error: 'client_name must be a string' })
    .trim()
    .min(1, 'client_name must not be empty')
    .max(MAX_CLIENT_NAME_LENGTH, `client_name is longer than ${MAX_CLIENT_NAME_LENGTH} characters`)
    .refine((name) => !DISGUISING_CHARACTERS.test(name), 'client_name contains control characters'),
);

/** Scopes must exist in the catalogue; privileged ones only for trusted clients. Normalised. */
export function scope(policy: MetadataPolicy) {
  const value = z
    .string({ error: 'scope must be a space-separated string' })
    .max(MAX_SCOPE_LENGTH, `scope is longer than ${MAX_SCOPE_LENGTH} characters`)
    .transform((text, ctx) => {
      const scopes = parseScope(text);
      if (scopes === undefined) return refuse(ctx, 'scope is malformed (RFC 6749 §3.3)');
      for (const name of scopes) {
        const definition = (policy.findScope ?? findScope)(name);
        if (!definition) return refuse(ctx, `scope '${clip(name)}' is unknown to this server`);
        if (definition.privileged && !policy.trusted) {
          const how = 'register with the initial access token (RFC 7591 §3) or ask the operator';
          return refuse(ctx, `scope '${name}' is privileged: only trusted clients may hold it; ${how}`);
        }
      }
      return scopes.length > 0 ? formatScope(scopes) : null;
    });
  return absentAsNull(value);
}

/** A public JWK (RFC 7517 §4): a private or symmetric key in the request means it has leaked. */
const publicJwk = z
  .looseObject({ kty: z.string({ error: 'each key in jwks must be a JWK object with "kty"' }) }, { error: 'each key in jwks must be a JWK object with "kty"' })
  .refine((key) => key.kty !== 'oct' && !PRIVATE_JWK_MEMBERS.some((m) => m in key), 'jwks must contain public keys only');

/** jwks: a JWK Set (RFC 7517 §5) of at most MAX_JWKS_KEYS public keys. */
export const jwks = absentAsNull(
  z
    .object(
      {
        keys: z
          .array(publicJwk, { error: 'jwks must hold a non-empty "keys" array' })
          .min(1, 'jwks must hold a non-empty "keys" array')
          .max(MAX_JWKS_KEYS, `jwks may hold at most ${MAX_JWKS_KEYS} keys`),
      },
      { error: 'jwks must be a JWK Set object (RFC 7517 §5)' },
    )
    .refine((set) => JSON.stringify(set).length <= MAX_JWKS_JSON_LENGTH, 'jwks is too large'),
);

/**
 * `resource_server` (a Portcullis extension, operator only): the client is the resource
 * server of that protected resource and may introspect its tokens (RFC 7662 §4). A registrant
 * can never make itself one. Stored in canonical form (RFC 8707 §2).
 */
export function resourceServer(policy: MetadataPolicy) {
  const value = z.unknown().transform((given, ctx) => {
    if (policy.source !== 'preregistered' || !policy.resources) {
      return refuse(ctx, 'resource_server can only be set by the operator (CLI or CLIENTS_FILE)');
    }
    if (typeof given !== 'string') return refuse(ctx, 'resource_server must be a resource URL');
    if (given.length > MAX_URI_LENGTH) return refuse(ctx, `resource_server is longer than ${MAX_URI_LENGTH} characters`);
    const canonical = canonicalResource(given);
    if (!canonical || !policy.resources.includes(canonical)) {
      const known = policy.resources.join(', ');
      return refuse(ctx, `resource_server '${clip(given)}' is not a resource of this server; use one of ${known}`);
    }
    return canonical;
  });
  return absentAsNull(value);
}

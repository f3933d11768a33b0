import { z } from 'zod';

/*
 * ARCHITECTURE.md: events never carry a secret. Two guards keep it so:
 * - by name: no field of any data schema may be called like a secret (run by a test over
 *   every schema, so a new field such as `refresh_token` fails the build);
 * - by value: createEvent redacts every substring that looks like a JWT, whatever its field is
 *   called. Refusing would lose the event, and the values that carry such strings are often
 *   what an attacker typed (a `client_id`, a `grant_type`, a username): the audit trail must
 *   still say that it happened.
 */

/** Words that name a secret value when they appear as a segment of a snake_case field name. */
const SECRET_WORDS = new Set([
  'token', 'tokens', 'code', 'codes', 'password', 'passwd', 'pwd', 'secret', 'secrets', 'verifier',
  'assertion', 'cookie', 'cookies', 'credential', 'credentials', 'key', 'apikey', 'authorization',
  'bearer', 'otp', 'pin', 'session',
]);

/**
 * Final segments that make the name about a secret rather than the secret itself:
 * `refresh_family_id`, `token_endpoint_auth_method`, `signing_key_kid`, `expires_at`.
 */
const METADATA_SUFFIXES = new Set(['id', 'ids', 'jti', 'jtis', 'kid', 'type', 'types', 'method', 'hint', 'count', 'at', 'alg']);

export function looksLikeSecretField(name: string): boolean {
  const segments = name
    .split(/[_\-.]|(?=[A-Z])/)
    .filter(Boolean)
    .map((s) => s.toLowerCase());
  const last = segments[segments.length - 1];
  if (last !== undefined && METADATA_SUFFIXES.has(last)) return false;
  return segments.some((s) => SECRET_WORDS.has(s)) || /secret|passw/.test(name.toLowerCase());
}

/** Every object field name reachable in a schema, as dotted paths (`a.b[]`). */
export function fieldPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType; out?: z.ZodType } }).def;
  switch (def.type) {
    case 'object': {
      const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>;
      return Object.entries(shape).flatMap(([key, child]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        return [path, ...fieldPaths(child, path)];
      });
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return def.innerType ? fieldPaths(def.innerType, prefix) : [];
    case 'array':
      return def.element ? fieldPaths(def.element, `${prefix}[]`) : [];
    case 'union':
      return (def.options ?? []).flatMap((o) => fieldPaths(o, prefix));
    case 'pipe':
      return def.in ? fieldPaths(def.in, prefix) : [];
    default:
      return [];
  }
}

/** Field paths of a schema whose last name looks like a secret. */
export function secretLikeFields(schema: z.ZodType): string[] {
  return fieldPaths(schema).filter((path) => {
    const last = (path.split('.').pop() ?? path).replace(/\[\]$/, '');
    return looksLikeSecretField(last);
  });
}

/** A compact JWS/JWE (RFC 7515 §7.1): base64url header starting `eyJ` and at least two dots. */
const JWT_SHAPE = /eyJ[\w-]{8,}\.[\w-]+\.[\w-]*/;
/** The same, for replacing every occurrence (String.replace starts a global regex afresh). */
const JWT_SHAPES = new RegExp(JWT_SHAPE.source, 'g');

/**
 * What replaces a JWT-shaped substring. Its brackets are not base64url, so no JWT shape can
 * be formed across it: redacting twice changes nothing.
 */
export const REDACTED = '[redacted]';

/** The shortest string JWT_SHAPE can match: `eyJ`, 8 characters, a dot, 1 character, a dot. */
const SHORTEST_JWT_SHAPE = 14;

/**
 * `value` with every JWT-shaped substring of its strings replaced by REDACTED, at any depth.
 * The value itself is returned when there is nothing to redact (the common case: it runs on
 * every event), a copy otherwise. Redaction only shortens strings, so a value within a
 * schema's length limits stays within them.
 */
export function redactJwtLike<T>(value: T): T {
  if (!containsJwtLike(value)) return value;
  if (typeof value === 'string') return value.replace(JWT_SHAPES, REDACTED) as T;
  if (Array.isArray(value)) return value.map(redactJwtLike) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactJwtLike(v)])) as T;
  }
  return value;
}

/** Whether any string inside `value` holds a JWT-shaped substring. */
export function containsJwtLike(value: unknown): boolean {
  if (typeof value === 'string') return value.length >= SHORTEST_JWT_SHAPE && JWT_SHAPE.test(value);
  if (Array.isArray(value)) return value.some(containsJwtLike);
  if (value && typeof value === 'object') {
    for (const key in value) if (containsJwtLike((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

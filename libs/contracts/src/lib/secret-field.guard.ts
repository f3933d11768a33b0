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

/**
 * What replaces a JWT-shaped substring. Its brackets are not base64url, so no JWT shape can
 * be formed across it: redacting twice changes nothing.
 */
export const REDACTED = '[redacted]';

/** The shortest JWT shape: `eyJ`, 8 characters, a dot, 1 character, a dot. */
const SHORTEST_JWT_SHAPE = 14;

/**
 * A compact JWS/JWE (RFC 7515 §7.1): a base64url segment holding `eyJ` followed by at least 8
 * more characters, a dot, a non-empty segment, a dot, and a last segment — the shape
 * `eyJ[\w-]{8,}\.[\w-]+\.[\w-]*` as a regular expression. That expression is not run on input: tried at
 * every `eyJ` of a long run such as `eyJeyJeyJ…` it rescans the run each time (64 KB took 4 s).
 * Instead the text is cut once into maximal runs of base64url characters and dots, and each run
 * into its dot-separated segments, which finds the same matches in linear time.
 */
const BASE64URL_AND_DOTS = /[\w.-]+/g;
const JWT_HEADER_START = 'eyJ';
/** Characters `[\w-]{8,}` needs after `eyJ` in the first segment. */
const MIN_AFTER_HEADER_START = 8;

/** `run` (base64url characters and dots only) with each JWT shape replaced, left to right. */
function redactRun(run: string): string {
  if (!run.includes(JWT_HEADER_START)) return run;
  const segments = run.split('.');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    // The leftmost `eyJ` leaves the most room after it: if it is too short, any later one is too.
    const start = segment.indexOf(JWT_HEADER_START);
    const isJwt = start >= 0 && segment.length - start - JWT_HEADER_START.length >= MIN_AFTER_HEADER_START && i + 2 < segments.length && segments[i + 1] !== '';
    if (!isJwt) {
      out.push(segment);
      continue;
    }
    out.push(segment.slice(0, start) + REDACTED);
    i += 2; // the payload and signature segments are part of the match
  }
  return out.join('.');
}

function redactString(text: string): string {
  if (text.length < SHORTEST_JWT_SHAPE || !text.includes(JWT_HEADER_START)) return text;
  return text.replace(BASE64URL_AND_DOTS, redactRun);
}

/**
 * `value` with every JWT-shaped substring of its strings replaced by REDACTED, at any depth.
 * The value itself is returned when there is nothing to redact (the common case: it runs on
 * every event), a copy otherwise. Redaction only shortens strings, so a value within a
 * schema's length limits stays within them.
 */
export function redactJwtLike<T>(value: T): T {
  if (!containsJwtLike(value)) return value;
  if (typeof value === 'string') return redactString(value) as T;
  if (Array.isArray(value)) return value.map(redactJwtLike) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactJwtLike(v)])) as T;
  }
  return value;
}

/** Whether any string inside `value` holds a JWT-shaped substring. */
export function containsJwtLike(value: unknown): boolean {
  if (typeof value === 'string') return redactString(value) !== value;
  if (Array.isArray(value)) return value.some(containsJwtLike);
  if (value && typeof value === 'object') {
    for (const key in value) if (containsJwtLike((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

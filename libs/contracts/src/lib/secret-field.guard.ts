import { z } from 'zod';

/*
 * ARCHITECTURE.md: events never carry a secret. Two guards keep it so:
 * - by name: no field of any data schema may be called like a secret (run by a test over
 *   every schema, so a new field such as `refresh_token` fails the build);
 * - by value: createEvent refuses a string that looks like a JWT, whatever its field is called.
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

/** Paths of string values inside `value` that look like a JWT. */
export function jwtLikeValues(value: unknown, path = ''): string[] {
  // Runs on every event: walk without building paths until something is found.
  if (!containsJwtLike(value)) return [];
  if (typeof value === 'string') return [path || '(root)'];
  if (Array.isArray(value)) return value.flatMap((v, i) => jwtLikeValues(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => jwtLikeValues(v, path ? `${path}.${k}` : k));
  }
  return [];
}

function containsJwtLike(value: unknown): boolean {
  if (typeof value === 'string') return value.length > 12 && JWT_SHAPE.test(value);
  if (Array.isArray(value)) return value.some(containsJwtLike);
  if (value && typeof value === 'object') {
    for (const key in value) if (containsJwtLike((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Upstream OpenID Providers a person may sign in with ("Continue with <name>"), declared once
 * in the JSON file named by OIDC_CONNECTIONS_FILE and validated at start, one line per problem.
 * The client secret is never written in that file: it names an environment variable or a file.
 */
const secretReference = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'must be an environment variable name') }),
  z.strictObject({ file: z.string().min(1).max(1024) }),
]);

/** Claim names are JSON member names of the ID token (OIDC Core §5.1). */
const claimName = z.string().min(1).max(64);

const connectionSchema = z.strictObject({
  /** The slug in our URLs: /federation/<id>/callback is the redirect URI to register upstream. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be a slug: a-z, 0-9 and -, at most 32'),
  /** Shown on the login page: "Continue with <display_name>". */
  display_name: z.string().trim().min(1).max(64),
  /** OIDC Discovery §4: <issuer>/.well-known/openid-configuration is read from it. */
  issuer: z.url({ protocol: /^https?$/ }).max(512),
  client_id: z.string().min(1).max(255),
  /** Absent: a public client (PKCE only, token_endpoint_auth_method none). */
  client_secret: secretReference.optional(),
  token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
  scopes: z
    .string()
    .max(512)
    .default('openid email profile')
    .refine((s) => s.split(' ').includes('openid'), 'must include openid'),
  claims: z.strictObject({ name: claimName.default('name'), email: claimName.default('email') }).default({ name: 'name', email: 'email' }),
  /** If set, only people whose verified email is in one of these domains may sign in. */
  allowed_email_domains: z
    .array(z.string().regex(/^[a-z0-9.-]{1,253}$/, 'must be a lower-case domain name'))
    .max(100)
    .optional(),
});

export type OidcConnectionEntry = z.infer<typeof connectionSchema>;

/** A connection as the code uses it: its secret read, camelCase names. */
export interface OidcConnection {
  id: string;
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
  scopes: string;
  claims: { name: string; email: string };
  allowedEmailDomains: string[] | undefined;
}

const MAX_SECRET_FILE_BYTES = 4096;

function readSecret(ref: z.infer<typeof secretReference>, env: NodeJS.ProcessEnv): string | string[] {
  if ('env' in ref) {
    const value = env[ref.env];
    return value ? value : [`environment variable ${ref.env} is not set`];
  }
  try {
    const value = readFileSync(ref.file, 'utf8').trim();
    if (!value || value.length > MAX_SECRET_FILE_BYTES) return [`file ${ref.file} is empty or longer than ${MAX_SECRET_FILE_BYTES} bytes`];
    return value;
  } catch {
    return [`file ${ref.file} cannot be read`];
  }
}

/**
 * The connections of a file, or the problems with it (each naming the entry and field). Secret
 * references are resolved here, so a missing secret stops the start rather than a sign-in.
 */
export function parseOidcConnections(text: string, env: NodeJS.ProcessEnv): { connections: OidcConnection[]; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { connections: [], problems: ['not valid JSON'] };
  }
  const parsed = z.array(connectionSchema).max(50).safeParse(json);
  if (!parsed.success) return { connections: [], problems: parsed.error.issues.map((i) => `${i.path.length ? `entry ${i.path.join('.')}` : 'file'}: ${i.message}`) };
  const problems: string[] = [];
  const seen = new Set<string>();
  const connections = parsed.data.map((entry, index): OidcConnection => {
    if (seen.has(entry.id)) problems.push(`entry ${index}: id '${entry.id}' appears twice`);
    seen.add(entry.id);
    const secret = entry.client_secret ? readSecret(entry.client_secret, env) : undefined;
    if (Array.isArray(secret)) problems.push(...secret.map((p) => `entry ${index} ('${entry.id}') client_secret: ${p}`));
    return {
      id: entry.id,
      displayName: entry.display_name,
      issuer: entry.issuer,
      clientId: entry.client_id,
      clientSecret: typeof secret === 'string' ? secret : undefined,
      tokenEndpointAuthMethod: entry.client_secret ? entry.token_endpoint_auth_method : 'none',
      scopes: entry.scopes,
      claims: entry.claims,
      allowedEmailDomains: entry.allowed_email_domains,
    };
  });
  return { connections, problems };
}

/** OIDC_CONNECTIONS_FILE: the path, read and validated here; the parsed list is the setting's value. */
export const oidcConnectionsSetting = z
  .string()
  .optional()
  .transform((path, ctx): OidcConnection[] => {
    if (!path) return [];
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      ctx.addIssue({ code: 'custom', message: `cannot read ${path}` });
      return [];
    }
    const { connections, problems } = parseOidcConnections(text, process.env);
    for (const problem of problems) ctx.addIssue({ code: 'custom', message: `${path}: ${problem}` });
    return connections;
  });

import { z } from 'zod';

/**
 * The gateway file (GATEWAY_CONFIG_FILE): every upstream MCP server the gateway fronts, declared
 * once. The gateway reads it to route, authenticate upstream and apply policy; the
 * authorization server reads the same file to accept each upstream as a resource (RFC 8707)
 * and to describe its scopes on the consent page. Every string has a length cap.
 */

/** `<name>` in `/<name>/mcp`: one URL path segment, safe in routes and event fields. */
const upstreamName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 lower-case letters, digits or dashes, starting with a letter or digit');

/** RFC 6749 §3.3 scope-token (printable ASCII but space, `"` and `\`), capped. */
export const scopeName = z
  .string()
  .max(128, 'must be at most 128 characters')
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be a scope token (RFC 6749 §3.3: printable ASCII, no space, quote or backslash)');

const absoluteHttpUrl = z
  .string()
  .max(2048)
  .refine((v) => {
    try {
      const url = new URL(v);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.hash && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL without fragment or credentials');

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name (letters, digits, dashes)');

/**
 * How the gateway authenticates to the upstream. The secret itself is never in the file: it is
 * read from an environment variable or a file (a container secret) when the gateway starts.
 */
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'must be an environment variable name');

const upstreamAuth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z
    .strictObject({
      type: z.literal('header'),
      header: headerName,
      valueFromEnv: envName.optional(),
      valueFromFile: z.string().min(1).max(1024).optional(),
    })
    .refine((a) => (a.valueFromEnv === undefined) !== (a.valueFromFile === undefined), 'give exactly one of valueFromEnv and valueFromFile'),
  /*
   * RFC 6749 §4.4 against the upstream's own authorization server: the gateway is a confidential
   * client there, and its access token (never the caller's) goes upstream as the bearer token.
   */
  z
    .strictObject({
      type: z.literal('client_credentials'),
      /** The token endpoint itself, or … */
      tokenEndpoint: absoluteHttpUrl.optional(),
      /** … the issuer, whose metadata (RFC 8414) names it. */
      issuer: absoluteHttpUrl.optional(),
      clientId: z.string().min(1).max(255),
      clientSecretFromEnv: envName.optional(),
      clientSecretFromFile: z.string().min(1).max(1024).optional(),
      /** RFC 6749 §2.3.1: HTTP Basic (default) or the secret in the form body. */
      tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
      scope: z.array(scopeName).max(32).optional(),
      /** RFC 8707 `resource`: the upstream's identifier at its authorization server. */
      resource: absoluteHttpUrl.optional(),
    })
    .refine((a) => (a.tokenEndpoint === undefined) !== (a.issuer === undefined), 'give exactly one of tokenEndpoint and issuer')
    .refine((a) => (a.clientSecretFromEnv === undefined) !== (a.clientSecretFromFile === undefined), 'give exactly one of clientSecretFromEnv and clientSecretFromFile'),
]);

const scopeDeclaration = z.strictObject({
  name: scopeName,
  /** Shown on the consent page. */
  description: z.string().min(1).max(200),
  /** Only trusted clients may hold it (like audit:read). */
  privileged: z.boolean().default(false),
});

/** `*` any run of characters, `?` one; everything else literal. Exact names are patterns without either. */
const namePattern = z.string().min(1).max(128);

/** A rule on one kind of name: the scopes it needs beyond the connect scopes, or a denial. */
const rule = <K extends string>(key: K) =>
  z.union([
    z.strictObject({ [key]: namePattern, scopes: z.array(scopeName).max(16) } as { [P in K]: typeof namePattern } & { scopes: z.ZodArray<typeof scopeName> }),
    z.strictObject({ [key]: namePattern, deny: z.literal(true) } as { [P in K]: typeof namePattern } & { deny: z.ZodLiteral<true> }),
  ]);

const toolRule = rule('tool');
/** Matched against a resource's `uri` (and a template's `uriTemplate` in listings). */
const resourceRule = rule('uri');
const promptRule = rule('prompt');
const uncovered = z.enum(['deny', 'allow']).default('deny');

/** At most `requests` in each window of `perSeconds` (a fixed window, counted across replicas with Redis). */
const rateLimit = z.strictObject({
  requests: z.number().int().min(1).max(1_000_000),
  perSeconds: z.number().int().min(1).max(86_400),
});

/**
 * Limits on one upstream. `perSubject` counts each person (or machine client) and `perClient`
 * each OAuth client across all its users; `maxConcurrent` caps the requests (streams included)
 * each gateway process has open to this upstream at once.
 */
const upstreamLimits = z.strictObject({
  perSubject: rateLimit.optional(),
  perClient: rateLimit.optional(),
  maxConcurrent: z.number().int().min(1).max(100_000).optional(),
});

export const upstreamSchema = z
  .strictObject({
    name: upstreamName,
    /** Shown in metadata (RFC 9728 `resource_name`). */
    title: z.string().min(1).max(120).optional(),
    /** The upstream's Streamable HTTP endpoint. */
    url: absoluteHttpUrl,
    auth: upstreamAuth.default({ type: 'none' }),
    scopes: z.array(scopeDeclaration).max(64).default([]),
    /** Needed for any request at all (initialize, tools/list, …); named in 401 challenges. */
    connectScopes: z.array(scopeName).max(16).default([]),
    /** Per-tool rules; the first whose pattern matches the tool's name decides. */
    tools: z.array(toolRule).max(256).default([]),
    /** A tool no rule matches: hidden and refused (default), or allowed with the connect scopes. */
    uncoveredTools: uncovered,
    /** Per-resource rules (resources/read, subscribe; resources/list filtered), by URI pattern. */
    resources: z.array(resourceRule).max(256).default([]),
    uncoveredResources: uncovered,
    /** Per-prompt rules (prompts/get; prompts/list filtered), by name pattern. */
    prompts: z.array(promptRule).max(256).default([]),
    uncoveredPrompts: uncovered,
    /**
     * tools/list shows tools that need a scope the caller lacks but could get by consent (so a
     * client has something to step up for); `hide` lists only tools callable right now.
     */
    stepUpTools: z.enum(['show', 'hide']).default('show'),
    /** How long to wait for the upstream's response headers (a stream may then run longer). */
    timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
    /**
     * The longest silence inside the answer to a POST once it has started (no byte for this
     * long ends it). GET streams carry server-initiated messages and may rightly be quiet for
     * hours: they are not bound by it.
     */
    idleTimeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
    /** Rate limits (429) and a concurrency cap (503); none by default. */
    limits: upstreamLimits.default({}),
  })
  .superRefine((u, ctx) => {
    const declared = new Set(u.scopes.map((s) => s.name));
    if (declared.size !== u.scopes.length) ctx.addIssue({ code: 'custom', path: ['scopes'], message: 'a scope is declared twice' });
    const check = (scope: string, path: (string | number)[]) => {
      if (!declared.has(scope)) ctx.addIssue({ code: 'custom', path, message: `scope '${scope}' is not declared in this upstream's scopes` });
    };
    u.connectScopes.forEach((s, i) => check(s, ['connectScopes', i]));
    for (const kind of ['tools', 'resources', 'prompts'] as const) {
      u[kind].forEach((r, i) => {
        if ('scopes' in r) r.scopes.forEach((s, j) => check(s, [kind, i, 'scopes', j]));
      });
    }
  });

export const gatewayFileSchema = z
  .strictObject({
    /** The gateway's public origin: each upstream is the resource `<publicUrl>/<name>/mcp`. */
    publicUrl: absoluteHttpUrl
      .refine((v) => new URL(v).pathname === '/' && !new URL(v).search, 'must be an origin (no path or query)')
      .default('http://localhost:3300'),
    upstreams: z.array(upstreamSchema).min(1, 'declare at least one upstream').max(64),
  })
  .superRefine((file, ctx) => {
    const names = new Set<string>();
    // Scope names are global at the authorization server (one description on the consent page).
    const scopes = new Set<string>();
    file.upstreams.forEach((u, i) => {
      if (names.has(u.name)) ctx.addIssue({ code: 'custom', path: ['upstreams', i, 'name'], message: `upstream '${u.name}' is declared twice` });
      names.add(u.name);
      u.scopes.forEach((s, j) => {
        if (scopes.has(s.name)) ctx.addIssue({ code: 'custom', path: ['upstreams', i, 'scopes', j, 'name'], message: `scope '${s.name}' is declared by another upstream too` });
        scopes.add(s.name);
      });
    });
  });

export type GatewayFileInput = z.input<typeof gatewayFileSchema>;
export type UpstreamDeclaration = z.infer<typeof upstreamSchema>;
export type ToolRule = UpstreamDeclaration['tools'][number];
export type UpstreamAuth = UpstreamDeclaration['auth'];
export type ClientCredentialsAuth = Extract<UpstreamAuth, { type: 'client_credentials' }>;
export type UpstreamLimits = UpstreamDeclaration['limits'];
export type RateLimit = NonNullable<UpstreamLimits['perSubject']>;

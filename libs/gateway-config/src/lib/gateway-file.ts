import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { canonicalResource } from '@portcullis/oauth';
import { gatewayFileSchema, type UpstreamDeclaration } from './gateway-file.schema';

/** An upstream as both services use it: the declaration plus what follows from the public URL. */
export interface GatewayUpstream extends UpstreamDeclaration {
  /** `/<name>/mcp`: where the gateway serves it. */
  path: string;
  /** `<publicUrl>/<name>/mcp`, canonical (RFC 8707 §2): the `aud` of tokens for it. */
  resource: string;
  /** RFC 9728 §3.1: the well-known segment inserted between the origin and the path. */
  resourceMetadataUrl: string;
}

export interface GatewayFile {
  publicUrl: string;
  upstreams: GatewayUpstream[];
}

/** A file of any size is refused long before parsing: a few upstreams fit in far less. */
const MAX_FILE_BYTES = 256 * 1024;

function resolve(parsed: z.infer<typeof gatewayFileSchema>): GatewayFile {
  const origin = new URL(parsed.publicUrl).origin;
  return {
    publicUrl: origin,
    upstreams: parsed.upstreams.map((u) => {
      const path = `/${u.name}/mcp`;
      return {
        ...u,
        url: canonicalResource(u.url) ?? u.url,
        path,
        resource: canonicalResource(`${origin}${path}`) as string,
        resourceMetadataUrl: `${origin}/.well-known/oauth-protected-resource${path}`,
      };
    }),
  };
}

/**
 * The setting naming the gateway file, for a service's configuration schema: the file is read
 * and validated while the environment is, so each of its problems is one line at start
 * (`config: GATEWAY_CONFIG_FILE: upstreams.0.url: …`), like every other setting's.
 */
export const gatewayFileSetting = z
  .string()
  .min(1)
  .optional()
  .transform((path, ctx): GatewayFile | undefined => {
    if (path === undefined) return undefined;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` });
      return z.NEVER;
    }
    if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
      ctx.addIssue({ code: 'custom', message: `${path} is larger than ${MAX_FILE_BYTES} bytes` });
      return z.NEVER;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `${path} is not JSON: ${(err as Error).message}` });
      return z.NEVER;
    }
    const result = gatewayFileSchema.safeParse(json);
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: `${issue.path.join('.') || '(file)'}: ${issue.message}` });
      return z.NEVER;
    }
    return resolve(result.data);
  });

import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal } from './principal';

export const REQUIRED_SCOPES = 'portcullis:required-scopes';
export const REQUIRED_SCOPES_RESOLVER = 'portcullis:required-scopes-resolver';

/** Scopes a route needs; implications from the scope catalogue are honoured when checking. */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/**
 * Scopes that depend on the request itself (e.g. which MCP tool a JSON-RPC body calls). The
 * resolver sees the parsed request and returns every scope the operation needs; it must not
 * throw for malformed input (return [] and let the handler reject it).
 */
export type RequiredScopesResolver = (request: { body?: unknown; query?: unknown; headers: Record<string, unknown> }) => readonly string[];
export const RequireScopesFor = (resolver: RequiredScopesResolver) => SetMetadata(REQUIRED_SCOPES_RESOLVER, resolver);

/** The principal the bearer guard attached to the request (passport's `request.user`). */
export function principalOf(request: object): Principal {
  return (request as { user: Principal }).user;
}

/** The principal the bearer guard attached to the request, as a handler parameter. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => principalOf(ctx.switchToHttp().getRequest()));

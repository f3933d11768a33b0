import { applyDecorators, Delete, Get, HttpCode, Post, Put, SetMetadata, UseGuards, UseInterceptors } from '@nestjs/common';
import { RequireScopes } from '@portcullis/resource-server';
import type { z } from 'zod';
import { AdminAccessGuard } from '../access/admin-access.guard';
import { AdminInputInterceptor } from './admin-input.interceptor';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * One endpoint of the admin API, declared once: the route decorator registers it, its scope
 * and the validation of its input from this, and the OpenAPI document (openapi/) is built from
 * the same objects. Paths use OpenAPI's `{name}` form.
 */
export interface AdminRoute {
  method: HttpMethod;
  path: `/admin/${string}`;
  summary: string;
  /** null: public (the OpenAPI document itself). */
  scope: string | null;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodObject;
  /** Success status and the schema of its body (none for 204). */
  status: 200 | 201 | 204;
  response?: z.ZodType;
}

export const ADMIN_ROUTE = 'portcullis:admin-route';

const METHODS = { GET: Get, POST: Post, PUT: Put, DELETE: Delete } as const;

/** `{client_id}` → `:client_id` (Nest/Fastify path syntax). */
export function nestPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** Registers the route: method and path, status, guard and scope, input validation. */
export function AdminEndpoint(route: AdminRoute): MethodDecorator {
  const decorators = [METHODS[route.method](nestPath(route.path)), HttpCode(route.status), SetMetadata(ADMIN_ROUTE, route), UseInterceptors(AdminInputInterceptor)];
  if (route.scope !== null) decorators.push(UseGuards(AdminAccessGuard), RequireScopes(route.scope));
  return applyDecorators(...decorators);
}

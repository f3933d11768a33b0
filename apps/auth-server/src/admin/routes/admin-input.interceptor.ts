import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InvalidRequest } from '@portcullis/oauth';
import type { z } from 'zod';
import { ADMIN_ROUTE, AdminRoute } from './admin-route';
import type { AdminRequest } from './admin-input';

interface RawRequest extends AdminRequest {
  params?: unknown;
  query?: unknown;
  body?: unknown;
}

/**
 * Checks path parameters, query and body against the route's zod schemas before the handler
 * runs (after the guard: a caller without a token learns nothing about the input). The first
 * problem is a 400 `invalid_request` naming where it is: `body.client_name: …`.
 */
@Injectable()
export class AdminInputInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler) {
    const route = this.reflector.get<AdminRoute>(ADMIN_ROUTE, context.getHandler());
    const request = context.switchToHttp().getRequest<RawRequest>();
    request.adminInput = {
      params: parse(route.params, request.params ?? {}, 'path'),
      query: parse(route.query, request.query ?? {}, 'query'),
      body: parse(route.body, request.body ?? {}, 'body'),
    };
    return next.handle();
  }
}

function parse(schema: z.ZodObject | undefined, value: unknown, where: string): unknown {
  if (!schema) return {};
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = [where, ...issue.path.map(String), ...keys.slice(0, 1)].join('.');
  const message = issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message;
  throw new InvalidRequest(`${path}: ${message}`.slice(0, 300));
}

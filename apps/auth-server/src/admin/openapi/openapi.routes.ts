import { z } from 'zod';
import type { AdminRoute } from '../routes/admin-route';

export const OPENAPI_ROUTES = {
  document: {
    method: 'GET',
    path: '/admin/openapi.json',
    summary: 'This document (OpenAPI 3.1), generated from the route table; public',
    scope: null,
    status: 200,
    response: z.object({ openapi: z.string() }).loose(),
  },
} as const satisfies Record<string, AdminRoute>;

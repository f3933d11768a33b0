import { z } from 'zod';
import { Scope } from '@portcullis/scopes';
import { AdminRoute } from '../routes/admin-route';

export const resourceView = z.object({
  resource: z.string().describe('RFC 8707 identifier: the `aud` of its tokens'),
  kind: z.enum(['mcp', 'audit', 'admin', 'gateway']),
  scopes: z.array(
    z.object({
      name: z.string(),
      description: z.string().describe('What the consent page shows'),
      privileged: z.boolean().describe('Only trusted clients may hold it'),
      role: z.string().nullable().describe('Only people with this role may hold it'),
    }),
  ),
});

export const RESOURCE_ROUTES = {
  list: {
    method: 'GET',
    path: '/admin/resources',
    summary: 'Every protected resource this server issues tokens for, with its scopes',
    scope: Scope.AdminRead,
    status: 200,
    response: z.object({ items: z.array(resourceView) }),
  },
} as const satisfies Record<string, AdminRoute>;

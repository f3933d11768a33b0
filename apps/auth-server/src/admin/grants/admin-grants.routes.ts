import { z } from 'zod';
import { Scope } from '@portcullis/scopes';
import { AdminRoute } from '../routes/admin-route';

export const grantView = z.object({
  grant_id: z.string(),
  client_id: z.string(),
  client_name: z.string().nullable(),
  scopes: z.array(z.string()),
  resource: z.string(),
  approved_at: z.number().int().describe('NumericDate (seconds)'),
  last_used_at: z.number().int().nullable().describe('When the grant last produced a token; null when unknown'),
});
export type GrantView = z.infer<typeof grantView>;

export const GRANT_ROUTES = {
  ofUser: {
    method: 'GET',
    path: '/admin/users/{id}/grants',
    summary: 'The applications a person connected (live grants)',
    scope: Scope.AdminRead,
    params: z.strictObject({ id: z.string().min(1).max(36) }),
    status: 200,
    response: z.object({ items: z.array(grantView) }),
  },
  revoke: {
    method: 'DELETE',
    path: '/admin/grants/{grant_id}',
    summary: 'Revoke a grant with its refresh tokens and live access tokens (pushed to resource servers)',
    scope: Scope.AdminWrite,
    params: z.strictObject({ grant_id: z.string().min(1).max(36) }),
    status: 204,
  },
} as const satisfies Record<string, AdminRoute>;

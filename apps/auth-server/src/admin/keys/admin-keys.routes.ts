import { z } from 'zod';
import { Scope } from '@portcullis/scopes';
import { AdminRoute } from '../routes/admin-route';

export const keyView = z.object({
  kid: z.string(),
  alg: z.string(),
  status: z.enum(['next', 'active', 'retired']).describe('next: published, not yet signing; active: signing; retired: published until its tokens expire'),
  created_at: z.number().int(),
  activated_at: z.number().int().nullable(),
  published_until: z.number().int().nullable(),
});
export type KeyView = z.infer<typeof keyView>;

export const KEY_ROUTES = {
  list: { method: 'GET', path: '/admin/keys', summary: 'The signing keys (public facts only)', scope: Scope.AdminRead, status: 200, response: z.object({ items: z.array(keyView) }) },
  rotate: {
    method: 'POST',
    path: '/admin/keys/rotate',
    summary: 'Promote the next key, retire the active one, publish a new next key',
    scope: Scope.AdminWrite,
    status: 200,
    response: z.object({ active_kid: z.string(), next_kid: z.string() }),
  },
} as const satisfies Record<string, AdminRoute>;

import { z } from 'zod';
import { ROLES, Scope } from '@portcullis/scopes';
import { AdminRoute } from '../routes/admin-route';
import { pageOf, pageQuery } from '../routes/paging';

export const userView = z.object({
  id: z.string().describe('The subject (`sub`) of the person’s tokens'),
  username: z.string(),
  roles: z.array(z.string()),
  disabled: z.boolean(),
  /** Signs in through an upstream OpenID Provider only. */
  federated: z.boolean(),
  created_at: z.number().int().describe('NumericDate (seconds)'),
  disabled_at: z.number().int().nullable(),
});
export type UserView = z.infer<typeof userView>;

const roles = z.array(z.enum(ROLES as [string, ...string[]])).max(16);
/** Long enough for any passphrase, short enough that hashing it is cheap. */
const password = z.string().min(8).max(256);
const userIdParam = z.strictObject({ id: z.string().min(1).max(36) });

const newUser = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/, 'letters, digits and . _ @ - (at most 128)'),
  password,
  roles: roles.default([]),
});
export type NewUserBody = z.infer<typeof newUser>;
const newPassword = z.strictObject({ password });
const newRoles = z.strictObject({ roles });

export const USER_ROUTES = {
  list: { method: 'GET', path: '/admin/users', summary: 'List people', scope: Scope.AdminRead, query: pageQuery, status: 200, response: pageOf(userView) },
  get: { method: 'GET', path: '/admin/users/{id}', summary: 'One person', scope: Scope.AdminRead, params: userIdParam, status: 200, response: userView },
  create: { method: 'POST', path: '/admin/users', summary: 'Add a person who signs in with a password', scope: Scope.AdminWrite, body: newUser, status: 201, response: userView },
  disable: {
    method: 'POST',
    path: '/admin/users/{id}/disable',
    summary: 'Disable a person: no sign-in, no refresh; their live grants and tokens are revoked',
    scope: Scope.AdminWrite,
    params: userIdParam,
    status: 200,
    response: userView,
  },
  enable: { method: 'POST', path: '/admin/users/{id}/enable', summary: 'Enable a disabled person', scope: Scope.AdminWrite, params: userIdParam, status: 200, response: userView },
  unlock: { method: 'POST', path: '/admin/users/{id}/unlock', summary: 'Clear the growing delay after failed sign-ins', scope: Scope.AdminWrite, params: userIdParam, status: 200, response: userView },
  password: { method: 'POST', path: '/admin/users/{id}/password', summary: 'Set a new password', scope: Scope.AdminWrite, params: userIdParam, body: newPassword, status: 200, response: userView },
  roles: {
    method: 'PUT',
    path: '/admin/users/{id}/roles',
    summary: 'Replace the person’s roles (a demoted admin loses the admin scopes at the next refresh)',
    scope: Scope.AdminWrite,
    params: userIdParam,
    body: newRoles,
    status: 200,
    response: userView,
  },
} as const satisfies Record<string, AdminRoute>;

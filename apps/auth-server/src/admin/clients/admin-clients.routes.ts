import { z } from 'zod';
import { Scope } from '@portcullis/scopes';
import { AdminRoute } from '../routes/admin-route';
import { pageOf, pageQuery } from '../routes/paging';

export const clientView = z.object({
  client_id: z.string(),
  client_name: z.string().nullable(),
  origin: z.enum(['preregistered', 'dynamic', 'metadata_document']).describe('How the client came to be known'),
  trusted: z.boolean().describe('May use client_credentials and hold privileged scopes'),
  disabled: z.boolean(),
  token_endpoint_auth_method: z.string(),
  grant_types: z.array(z.string()),
  redirect_uris: z.array(z.string()),
  scope: z.string().nullable().describe('Scopes it may ask for; null = every non-privileged scope'),
  resource_server: z.string().nullable(),
  created_at: z.number().int().describe('NumericDate (seconds)'),
  disabled_at: z.number().int().nullable(),
});
export type ClientView = z.infer<typeof clientView>;

const withSecret = clientView.extend({ client_secret: z.string().optional().describe('Shown this once; only its digest is stored') });
const clientIdParam = z.strictObject({ client_id: z.string().min(1).max(2048) });

/** RFC 7591 names, checked again by the registration validator (the rules of every channel). */
const newClient = z.strictObject({
  client_name: z.string().min(1).max(255),
  redirect_uris: z.array(z.string().min(1).max(2048)).max(32).optional(),
  grant_types: z.array(z.enum(['authorization_code', 'refresh_token', 'client_credentials'])).min(1).max(3),
  scope: z.string().max(1024).optional(),
  token_endpoint_auth_method: z.enum(['none', 'client_secret_basic', 'client_secret_post']),
});
export type NewClientBody = z.infer<typeof newClient>;

export const CLIENT_ROUTES = {
  list: { method: 'GET', path: '/admin/clients', summary: 'List clients', scope: Scope.AdminRead, query: pageQuery, status: 200, response: pageOf(clientView) },
  get: { method: 'GET', path: '/admin/clients/{client_id}', summary: 'One client (client_id URL-encoded)', scope: Scope.AdminRead, params: clientIdParam, status: 200, response: clientView },
  create: {
    method: 'POST',
    path: '/admin/clients',
    summary: 'Create a trusted client; its secret is in this response only',
    scope: Scope.AdminWrite,
    body: newClient,
    status: 201,
    response: withSecret,
  },
  disable: { method: 'POST', path: '/admin/clients/{client_id}/disable', summary: 'Disable a client and revoke its live grants and tokens', scope: Scope.AdminWrite, params: clientIdParam, status: 200, response: clientView },
  enable: { method: 'POST', path: '/admin/clients/{client_id}/enable', summary: 'Enable a disabled client', scope: Scope.AdminWrite, params: clientIdParam, status: 200, response: clientView },
  rotateSecret: {
    method: 'POST',
    path: '/admin/clients/{client_id}/secret',
    summary: 'Replace the client secret; the new one is in this response only',
    scope: Scope.AdminWrite,
    params: clientIdParam,
    status: 200,
    response: withSecret,
  },
  remove: { method: 'DELETE', path: '/admin/clients/{client_id}', summary: 'Delete a client with its grants and tokens', scope: Scope.AdminWrite, params: clientIdParam, status: 204 },
} as const satisfies Record<string, AdminRoute>;

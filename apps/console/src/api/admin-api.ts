import type { ApiClient } from './api-client';

/**
 * The auth-server's admin API (CONSOLE-CONTRACT, part A), through the console's admin token
 * (`<issuer>/admin`, admin:read / admin:write). Field names are the contract's wire names.
 */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface AdminClient {
  client_id: string;
  client_name?: string | null;
  /** How it came to be known: preregistered, dynamic (RFC 7591) or metadata_document. */
  origin?: string;
  trusted?: boolean;
  disabled?: boolean;
  grant_types?: string[];
  redirect_uris?: string[];
  /** null: every non-privileged scope. */
  scope?: string | null;
  token_endpoint_auth_method?: string;
  /** The resource it may introspect tokens for (RFC 7662 §4), when it is a resource server. */
  resource_server?: string | null;
  /** NumericDate (seconds), as every instant of the admin API. */
  created_at?: number;
  disabled_at?: number | null;
  [field: string]: unknown;
}

export interface NewClient {
  client_name: string;
  redirect_uris?: string[];
  grant_types: string[];
  scope: string;
  token_endpoint_auth_method: string;
}

export interface AdminUser {
  id: string;
  username: string;
  roles?: string[];
  disabled?: boolean;
  /** Signs in through an upstream OpenID Provider only. */
  federated?: boolean;
  [field: string]: unknown;
}

export interface AdminGrant {
  grant_id: string;
  client_id: string;
  client_name?: string;
  scopes: string[];
  resource: string;
  approved_at: number;
  last_used_at?: number | null;
}

export interface SigningKey {
  kid: string;
  alg?: string;
  status?: string;
  created_at?: number;
  [field: string]: unknown;
}

export interface AdminResource {
  resource: string;
  scopes: { name: string; description?: string }[];
  [field: string]: unknown;
}

/** An instant of the admin API (NumericDate: seconds since the epoch, RFC 7519 §2) in the reader's locale. */
export function fromNumericDate(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString();
}

/** Path segment for an id that may be a URL (CIMD client ids are): always encoded. */
const seg = (id: string) => encodeURIComponent(id);

export class AdminApi {
  constructor(private readonly client: ApiClient) {}

  clients(q: string, cursor?: string): Promise<Page<AdminClient>> {
    return this.client.json('/clients', { query: { q, cursor, limit: 50 } });
  }
  clientDetails(id: string): Promise<AdminClient> {
    return this.client.json(`/clients/${seg(id)}`);
  }
  createClient(input: NewClient): Promise<AdminClient & { client_secret?: string }> {
    return this.client.json('/clients', { method: 'POST', body: input });
  }
  setClientEnabled(id: string, enabled: boolean): Promise<Response> {
    return this.client.request(`/clients/${seg(id)}/${enabled ? 'enable' : 'disable'}`, { method: 'POST' });
  }
  rotateSecret(id: string): Promise<{ client_secret: string }> {
    return this.client.json(`/clients/${seg(id)}/secret`, { method: 'POST' });
  }
  deleteClient(id: string): Promise<Response> {
    return this.client.request(`/clients/${seg(id)}`, { method: 'DELETE' });
  }

  users(q: string, cursor?: string): Promise<Page<AdminUser>> {
    return this.client.json('/users', { query: { q, cursor, limit: 50 } });
  }
  createUser(input: { username: string; password: string; roles: string[] }): Promise<AdminUser> {
    return this.client.json('/users', { method: 'POST', body: input });
  }
  userAction(id: string, action: 'disable' | 'enable' | 'unlock'): Promise<Response> {
    return this.client.request(`/users/${seg(id)}/${action}`, { method: 'POST' });
  }
  resetPassword(id: string, password: string): Promise<Response> {
    return this.client.request(`/users/${seg(id)}/password`, { method: 'POST', body: { password } });
  }
  setRoles(id: string, roles: string[]): Promise<Response> {
    return this.client.request(`/users/${seg(id)}/roles`, { method: 'PUT', body: { roles } });
  }
  grants(userId: string): Promise<{ items: AdminGrant[] } | AdminGrant[]> {
    return this.client.json(`/users/${seg(userId)}/grants`);
  }
  revokeGrant(grantId: string): Promise<Response> {
    return this.client.request(`/grants/${seg(grantId)}`, { method: 'DELETE' });
  }

  keys(): Promise<{ items: SigningKey[] } | SigningKey[]> {
    return this.client.json('/keys');
  }
  rotateKeys(): Promise<Response> {
    return this.client.request('/keys/rotate', { method: 'POST' });
  }
  resources(): Promise<{ items: AdminResource[] } | AdminResource[]> {
    return this.client.json('/resources');
  }
}

/** The contract gives lists as `{ items }`; a bare array is read the same. */
export function itemsOf<T>(answer: { items: T[] } | T[]): T[] {
  return Array.isArray(answer) ? answer : answer.items;
}

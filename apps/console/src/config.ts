/** A protected resource the console holds its own token for (RFC 8707: one token per resource). */
export interface ConsoleResource {
  /** `audit` or `admin`: what the screens ask for. */
  name: 'audit' | 'admin';
  /** The resource identifier, sent as `resource`; also the base URL of its API. */
  resource: string;
  scopes: string[];
}

/** What the auth-server tells the console at start (GET /console/config.json): nothing is built in. */
export interface ConsoleConfig {
  issuer: string;
  client_id: string;
  redirect_uri: string;
  resources: ConsoleResource[];
}

export async function loadConfig(fetcher: typeof fetch = fetch): Promise<ConsoleConfig> {
  const res = await fetcher('/console/config.json', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`the console configuration did not load (HTTP ${res.status})`);
  const config = (await res.json()) as ConsoleConfig;
  if (!config.issuer || !config.client_id || !Array.isArray(config.resources) || config.resources.length === 0) {
    throw new Error('the console configuration is incomplete');
  }
  return config;
}

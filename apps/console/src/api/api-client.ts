import type { ConsoleSession } from '../auth/console-session';
import type { ConsoleResource } from '../config';

/** An API's refusal, with its OAuth error code when it gave one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Calls one resource's API with that resource's token (bearer, never cookies). A 401 means
 * the token was refused (revoked, expired early): it is dropped and the call tried once more
 * with a fresh one.
 */
export class ApiClient {
  constructor(
    private readonly session: ConsoleSession,
    private readonly name: ConsoleResource['name'],
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  /** `path` is relative to the resource identifier, e.g. `/events` under `…/audit`. */
  url(path: string, query: Record<string, string | number | undefined> = {}): string {
    const base = this.session.resource(this.name)?.resource ?? '';
    const url = new URL(`${base.replace(/\/$/, '')}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    return url.href;
  }

  async request(path: string, init: { method?: string; query?: Record<string, string | number | undefined>; body?: unknown } = {}): Promise<Response> {
    const send = async () =>
      this.fetcher(this.url(path, init.query), {
        method: init.method ?? 'GET',
        credentials: 'omit',
        headers: {
          authorization: `Bearer ${await this.session.accessToken(this.name)}`,
          accept: 'application/json',
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      });
    let res = await send();
    if (res.status === 401) {
      this.session.discard(this.name);
      res = await send();
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: string; error_description?: string };
      throw new ApiError(res.status, body.error, body.error_description ?? body.error ?? `HTTP ${res.status}`);
    }
    return res;
  }

  async json<T>(path: string, init?: Parameters<ApiClient['request']>[1]): Promise<T> {
    return (await (await this.request(path, init)).json()) as T;
  }
}

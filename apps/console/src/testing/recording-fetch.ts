import { ApiClient } from '../api/api-client';
import type { ConsoleSession } from '../auth/console-session';

export interface Recorded {
  method: string;
  url: string;
  authorization: string | null;
  body?: unknown;
}

/**
 * An ApiClient whose HTTP goes to `answer` instead of the network, every request recorded: the
 * screens' requests are checked as the API would see them (method, URL, bearer, body).
 */
export function recordingClient(name: 'admin' | 'audit', resource: string, answer: (r: Recorded) => { status?: number; body?: unknown }) {
  const requests: Recorded[] = [];
  const session = {
    resource: () => ({ name, resource, scopes: [] }),
    accessToken: async () => `token-for-${name}`,
    discard: () => undefined,
  } as unknown as ConsoleSession;
  const fetcher = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const recorded: Recorded = {
      method: init?.method ?? 'GET',
      url: String(input),
      authorization: headers.get('authorization'),
      ...(init?.body ? { body: JSON.parse(String(init.body)) } : {}),
    };
    requests.push(recorded);
    const { status = 200, body = {} } = answer(recorded);
    return { ok: status < 400, status, json: async () => body, text: async () => JSON.stringify(body) } as Response;
  }) as typeof fetch;
  return { client: new ApiClient(session, name, fetcher), requests };
}

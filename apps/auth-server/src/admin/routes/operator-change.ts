import { NotFound } from './admin-errors';

/**
 * The stored thing an admin route names, or 404 `not_found` naming what was asked for
 * (`what`: e.g. `client 'x'`, `user 'y'`).
 */
export async function findOr404<T>(lookup: Promise<T | null | undefined>, what: string): Promise<T> {
  const found = await lookup;
  if (found === null || found === undefined) throw new NotFound(`no ${what}`);
  return found;
}

/**
 * An operator's change through the admin API, the same three steps for clients and people: find
 * the thing the route names (404 when absent), then `change` it — which writes the change with
 * its event and actor in one transaction (auth.client.updated, auth.user.updated) — and answer
 * with what `change` returns.
 */
export async function changeFound<T, R>(lookup: Promise<T | null | undefined>, what: string, change: (found: T) => Promise<R>): Promise<R> {
  return change(await findOr404(lookup, what));
}

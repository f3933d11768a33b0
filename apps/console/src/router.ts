import { useEffect, useState } from 'preact/hooks';

/** The console's screens by path under /console/. */
export const ROUTES = {
  dashboard: '/console/',
  audit: '/console/audit',
  clients: '/console/clients',
  users: '/console/users',
  keys: '/console/keys',
  resources: '/console/resources',
  callback: '/console/callback',
} as const;

/** A client's details: its id (a URL for CIMD clients) is one encoded path segment. */
export function clientPath(clientId: string): string {
  return `${ROUTES.clients}/${encodeURIComponent(clientId)}`;
}

/** The client id of a details path, or undefined for any other path. */
export function clientIdOf(path: string): string | undefined {
  const prefix = `${ROUTES.clients}/`;
  if (!path.startsWith(prefix) || path.length === prefix.length) return undefined;
  try {
    return decodeURIComponent(path.slice(prefix.length));
  } catch {
    return undefined; // a malformed escape: no such client page
  }
}

/** Client-side navigation: the auth-server answers index.html for every /console/ path. */
export function navigate(path: string): void {
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return path;
}

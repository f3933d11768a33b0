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

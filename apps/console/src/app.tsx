import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiClient } from './api/api-client';
import { AdminApi } from './api/admin-api';
import { AuditApi } from './api/audit-api';
import type { ConsoleSession } from './auth/console-session';
import { clientIdOf, ROUTES, usePath } from './router';
import { AuditExplorer } from './screens/audit-explorer';
import { ClientDetails } from './screens/client-details';
import { Clients } from './screens/clients';
import { Keys, Resources } from './screens/keys-and-resources';
import { Users } from './screens/users';
import { Dashboard } from './screens/dashboard';
import { SignIn } from './screens/sign-in';
import { RouteLink } from './ui/route-link';

const AUDIT_SCREENS = [
  { path: ROUTES.dashboard, title: 'Dashboard' },
  { path: ROUTES.audit, title: 'Audit explorer' },
];
/** Shown when the auth-server offers its admin API (config.json lists the admin resource). */
const ADMIN_SCREENS = [
  { path: ROUTES.clients, title: 'Clients' },
  { path: ROUTES.users, title: 'Users' },
  { path: ROUTES.keys, title: 'Signing keys' },
  { path: ROUTES.resources, title: 'Resources' },
];

export function App({ session }: { session: ConsoleSession }) {
  const path = usePath();
  const [signedIn, setSignedIn] = useState(session.signedIn);
  const [problem, setProblem] = useState<string>();
  const main = useRef<HTMLElement>(null);
  const audit = useMemo(() => new AuditApi(new ApiClient(session, 'audit')), [session]);
  const admin = useMemo(() => (session.resource('admin') ? new AdminApi(new ApiClient(session, 'admin')) : undefined), [session]);
  const SCREENS = admin ? [...AUDIT_SCREENS, ...ADMIN_SCREENS] : AUDIT_SCREENS;
  const canWrite = signedIn && session.scopes('admin').includes('admin:write');

  useEffect(() => {
    session.onSignedOut = () => setSignedIn(false);
  }, [session]);

  // The authorization response: exchange the code, then go where the person was going.
  useEffect(() => {
    if (path !== ROUTES.callback) return;
    session
      .completeSignIn(new URL(location.href))
      .then((returnTo) => {
        // undefined: on the way to the next resource's authorization.
        if (returnTo === undefined) return;
        setSignedIn(true);
        history.replaceState(null, '', returnTo);
        dispatchEvent(new PopStateEvent('popstate'));
      })
      .catch((err: Error) => {
        setProblem(err.message);
        history.replaceState(null, '', ROUTES.dashboard);
        dispatchEvent(new PopStateEvent('popstate'));
      });
  }, [path === ROUTES.callback]);

  // Move focus to the new screen's heading, so screen readers announce the change.
  useEffect(() => {
    main.current?.querySelector('h1')?.focus();
  }, [path, signedIn]);

  // A client's details (/console/clients/<id>) belong to the Clients screen.
  const detailsOf = admin ? clientIdOf(path) : undefined;
  const screen = SCREENS.find((s) => s.path === (detailsOf === undefined ? path : ROUTES.clients)) ?? SCREENS[0];
  const title = detailsOf === undefined ? screen.title : `Client ${detailsOf}`;
  useEffect(() => {
    document.title = `${signedIn ? title : 'Sign in'} · Portcullis console`;
  }, [title, signedIn]);

  if (path === ROUTES.callback) {
    return (
      <main id="main" ref={main}>
        <p role="status">Signing in…</p>
      </main>
    );
  }

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Portcullis console</span>
        {signedIn && (
          <nav aria-label="Console">
            <ul>
              {SCREENS.map((s) => (
                <li key={s.path}>
                  <RouteLink path={s.path} current={s.path !== screen.path ? undefined : detailsOf === undefined ? 'page' : 'true'}>
                    {s.title}
                  </RouteLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {signedIn && (
          <button
            type="button"
            class="sign-out"
            onClick={() => {
              void session.signOut().finally(() => setSignedIn(false));
            }}
          >
            Sign out
          </button>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {!signedIn ? (
          <SignIn problem={problem} onSignIn={() => void session.signIn(path).catch((err: Error) => setProblem(err.message))} />
        ) : screen.path === ROUTES.audit ? (
          <AuditExplorer audit={audit} />
        ) : admin && detailsOf !== undefined ? (
          <ClientDetails admin={admin} clientId={detailsOf} canWrite={canWrite} />
        ) : admin && screen.path === ROUTES.clients ? (
          <Clients admin={admin} canWrite={canWrite} />
        ) : admin && screen.path === ROUTES.users ? (
          <Users admin={admin} canWrite={canWrite} />
        ) : admin && screen.path === ROUTES.keys ? (
          <Keys admin={admin} canWrite={canWrite} />
        ) : admin && screen.path === ROUTES.resources ? (
          <Resources admin={admin} />
        ) : (
          <Dashboard audit={audit} />
        )}
      </main>
    </>
  );
}

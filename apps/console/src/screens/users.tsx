import { useState } from 'preact/hooks';
import type { AdminApi, AdminUser } from '../api/admin-api';
import { fromNumericDate, itemsOf } from '../api/admin-api';
import { ErrorNotice, StatusNotice } from '../ui/notices';
import { NextPageButton, SearchForm } from '../ui/search-form';
import { useAction } from '../ui/use-action';
import { useAdminList } from '../ui/use-admin-list';
import { useLoad } from '../ui/use-load';

/** A person's grants (the applications they connected), each revocable. */
export function UserGrants({ admin, user, canWrite, onClose }: { admin: AdminApi; user: AdminUser; canWrite: boolean; onClose: () => void }) {
  const grants = useLoad(async () => itemsOf(await admin.grants(user.id)), [user.id]);
  const { status, act } = useAction(grants.reload, grants.setError);
  return (
    <section aria-labelledby="grants-title" class="panel">
      <h2 id="grants-title">Applications {user.username} connected</h2>
      <ErrorNotice error={grants.error} />
      <StatusNotice status={status} />
      {grants.data && grants.data.length === 0 && <p>None.</p>}
      <ul class="cards">
        {grants.data?.map((g) => (
          <li key={g.grant_id}>
            <strong>{g.client_name ?? g.client_id}</strong> <code>{g.client_id}</code>
            <dl>
              <dt>Scopes</dt>
              <dd>{g.scopes.join(' ')}</dd>
              <dt>Resource</dt>
              <dd>{g.resource}</dd>
              <dt>Approved</dt>
              <dd>{fromNumericDate(g.approved_at)}</dd>
              <dt>Last used</dt>
              <dd>{g.last_used_at === null || g.last_used_at === undefined ? 'never' : fromNumericDate(g.last_used_at)}</dd>
            </dl>
            {canWrite && (
              <button
                type="button"
                class="danger"
                aria-label={`Revoke ${g.client_name ?? g.client_id} for ${user.username}`}
                onClick={() => {
                  if (confirm(`Revoke ${g.client_name ?? g.client_id}? Its tokens stop working at once.`)) void act(() => admin.revokeGrant(g.grant_id), `${g.client_name ?? g.client_id} revoked.`);
                }}
              >
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </section>
  );
}

export function Users({ admin, canWrite }: { admin: AdminApi; canWrite: boolean }) {
  const list = useAdminList((q, cursor) => admin.users(q, cursor));
  const { act } = list;
  const [grantsOf, setGrantsOf] = useState<AdminUser>();

  const add = async (e: Event) => {
    e.preventDefault();
    const formElement = e.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const username = String(form.get('username') ?? '').trim();
    await act(() => admin.createUser({ username, password: String(form.get('password') ?? ''), roles: form.get('admin') === 'on' ? ['admin'] : [] }), `Added ${username}.`);
    formElement.reset();
  };

  return (
    <section aria-labelledby="users-title">
      <h1 tabIndex={-1} id="users-title">
        Users
      </h1>
      <SearchForm label="Search users" onSearch={list.search} />
      {canWrite && (
        <details class="panel">
          <summary>Add a user</summary>
          <form class="stacked" onSubmit={(e) => void add(e)}>
            <label>
              Username <input name="username" required maxLength={128} autoComplete="off" />
            </label>
            <label>
              Password <input name="password" type="password" required minLength={8} autoComplete="new-password" />
            </label>
            <label class="check">
              <input type="checkbox" name="admin" /> Administrator (may use this console)
            </label>
            <button type="submit" class="primary">
              Add
            </button>
          </form>
        </details>
      )}
      <ErrorNotice error={list.error} />
      <StatusNotice status={list.status} />
      <div class="table-scroll">
        <table>
          <caption class="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Roles</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.items?.map((u) => (
              <tr key={u.id}>
                <th scope="row">{u.username}</th>
                <td>{u.roles?.join(', ') || '—'}</td>
                <td>{[u.disabled ? 'Disabled' : 'Active', u.federated ? 'signs in through an organisation' : ''].filter(Boolean).join(', ')}</td>
                <td class="row-actions">
                  <button type="button" aria-label={`Applications of ${u.username}`} onClick={() => setGrantsOf(u)}>
                    Applications
                  </button>
                  {canWrite && (
                    <>
                      <button type="button" aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.username}`} onClick={() => void act(() => admin.userAction(u.id, u.disabled ? 'enable' : 'disable'), `${u.username} ${u.disabled ? 'enabled' : 'disabled'}.`)}>
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                      {/* The API does not say whether a delay is running: unlocking is harmless when none is. */}
                      <button type="button" aria-label={`Unlock ${u.username}`} onClick={() => void act(() => admin.userAction(u.id, 'unlock'), `${u.username} unlocked.`)}>
                        Unlock
                      </button>
                      <button
                        type="button"
                        aria-label={`Reset password of ${u.username}`}
                        onClick={() => {
                          const password = prompt(`New password for ${u.username} (at least 8 characters)`);
                          if (password) void act(() => admin.resetPassword(u.id, password), `New password set for ${u.username}.`);
                        }}
                      >
                        Reset password
                      </button>
                      <button
                        type="button"
                        aria-label={`${u.roles?.includes('admin') ? 'Remove admin from' : 'Make admin'} ${u.username}`}
                        onClick={() => {
                          const roles = u.roles?.includes('admin') ? (u.roles ?? []).filter((r) => r !== 'admin') : [...(u.roles ?? []), 'admin'];
                          void act(() => admin.setRoles(u.id, roles), `Roles of ${u.username}: ${roles.join(', ') || 'none'}.`);
                        }}
                      >
                        {u.roles?.includes('admin') ? 'Remove admin' : 'Make admin'}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <NextPageButton cursor={list.nextCursor} onNext={list.nextPage} />
      {grantsOf && <UserGrants admin={admin} user={grantsOf} canWrite={canWrite} onClose={() => setGrantsOf(undefined)} />}
    </section>
  );
}

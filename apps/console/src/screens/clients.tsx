import { useState } from 'preact/hooks';
import type { AdminApi, AdminClient, NewClient } from '../api/admin-api';
import { ErrorNotice, SecretOnce, StatusNotice } from '../ui/notices';
import { NextPageButton, SearchForm } from '../ui/search-form';
import { useAdminList } from '../ui/use-admin-list';
import { clientPath } from '../router';
import { RouteLink } from '../ui/route-link';
import { ClientActions, type ShownSecret } from './client-actions';

const GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token'];

/** Creates a trusted client (confidential by default); the answer carries its secret once. */
function NewClientForm({ admin, onCreated }: { admin: AdminApi; onCreated: (client: AdminClient & { client_secret?: string }) => void }) {
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const redirects = String(form.get('redirect_uris') ?? '')
      .split(/\s+/)
      .filter(Boolean);
    const input: NewClient = {
      client_name: String(form.get('client_name') ?? '').trim(),
      grant_types: GRANT_TYPES.filter((g) => form.get(`grant_${g}`) === 'on'),
      scope: String(form.get('scope') ?? '').trim(),
      token_endpoint_auth_method: String(form.get('token_endpoint_auth_method')),
      ...(redirects.length ? { redirect_uris: redirects } : {}),
    };
    try {
      setError(undefined);
      onCreated(await admin.createClient(input));
      (e.currentTarget as HTMLFormElement | null)?.reset();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <details class="panel">
      <summary>Create a trusted client</summary>
      <form class="stacked" onSubmit={(e) => void submit(e)}>
        <label>
          Name <input name="client_name" required maxLength={200} />
        </label>
        <fieldset>
          <legend>Grant types</legend>
          {GRANT_TYPES.map((g) => (
            <label class="check" key={g}>
              <input type="checkbox" name={`grant_${g}`} defaultChecked={g === 'client_credentials'} /> {g}
            </label>
          ))}
        </fieldset>
        <label>
          Scopes (space separated) <input name="scope" required />
        </label>
        <label>
          Redirect URIs (space separated, for authorization_code) <input name="redirect_uris" />
        </label>
        <label>
          Authentication{' '}
          <select name="token_endpoint_auth_method">
            <option value="client_secret_basic">client_secret_basic</option>
            <option value="client_secret_post">client_secret_post</option>
            <option value="none">none (public client)</option>
          </select>
        </label>
        <ErrorNotice error={error} />
        <button type="submit" class="primary">
          Create
        </button>
      </form>
    </details>
  );
}

export function Clients({ admin, canWrite }: { admin: AdminApi; canWrite: boolean }) {
  const list = useAdminList((q, cursor) => admin.clients(q, cursor));
  const [secret, setSecret] = useState<ShownSecret>();

  return (
    <section aria-labelledby="clients-title">
      <h1 tabIndex={-1} id="clients-title">
        Clients
      </h1>
      <SearchForm label="Search clients" onSearch={list.search} />
      {canWrite && (
        <NewClientForm
          admin={admin}
          onCreated={(c) => {
            if (c.client_secret) setSecret({ label: `The secret of ${c.client_name ?? c.client_id} (${c.client_id}).`, value: c.client_secret });
            list.setStatus(`Created ${c.client_id}.`);
            list.reload();
          }}
        />
      )}
      {secret && <SecretOnce label={secret.label} secret={secret.value} onDone={() => setSecret(undefined)} />}
      <ErrorNotice error={list.error} />
      <StatusNotice status={list.status} />
      <div class="table-scroll">
        <table>
          <caption class="visually-hidden">Registered clients</caption>
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Grant types</th>
              <th scope="col">Scopes</th>
              <th scope="col">State</th>
              {canWrite && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {list.items?.map((c) => {
              const name = c.client_name ?? c.client_id;
              return (
                <tr key={c.client_id}>
                  <th scope="row">
                    <RouteLink path={clientPath(c.client_id)}>
                      {name}
                      <span class="visually-hidden"> (details)</span>
                    </RouteLink>
                    <br />
                    <code>{c.client_id}</code>
                    {c.trusted && <span class="tag">trusted</span>}
                  </th>
                  <td>{c.grant_types?.join(', ')}</td>
                  <td>{c.scope}</td>
                  <td>{c.disabled ? 'Disabled' : 'Active'}</td>
                  {canWrite && (
                    <td class="row-actions">
                      <ClientActions admin={admin} client={c} act={list.act} onSecret={setSecret} />
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <NextPageButton cursor={list.nextCursor} onNext={list.nextPage} />
    </section>
  );
}

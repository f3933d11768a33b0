import { useState } from 'preact/hooks';
import { type AdminApi, type AdminClient, fromNumericDate } from '../api/admin-api';
import { ROUTES } from '../router';
import { ErrorNotice, SecretOnce, StatusNotice } from '../ui/notices';
import { RouteLink } from '../ui/route-link';
import { useAction } from '../ui/use-action';
import { useLoad } from '../ui/use-load';
import { ClientActions, type ShownSecret } from './client-actions';

/** How the client came to be known (the admin API's `origin`). */
const ORIGINS: Record<string, string> = {
  preregistered: 'Pre-registered by an operator',
  dynamic: 'Dynamic client registration (RFC 7591)',
  metadata_document: 'Client ID metadata document',
};

/** The fields shown by name below; anything else the API returns is listed after them. */
const SHOWN = new Set(['client_id', 'client_name', 'origin', 'trusted', 'disabled', 'disabled_at', 'token_endpoint_auth_method', 'grant_types', 'redirect_uris', 'scope', 'resource_server', 'created_at']);

function Metadata({ client }: { client: AdminClient }) {
  const redirects = client.redirect_uris ?? [];
  const others = Object.entries(client).filter(([field, value]) => !SHOWN.has(field) && value !== undefined);
  return (
    <dl class="details">
      <dt>Name</dt>
      <dd>{client.client_name ?? 'None given'}</dd>
      <dt>Client ID</dt>
      <dd>
        <code>{client.client_id}</code>
      </dd>
      <dt>Registration</dt>
      <dd>{client.origin && Object.hasOwn(ORIGINS, client.origin) ? ORIGINS[client.origin] : (client.origin ?? 'Unknown')}</dd>
      <dt>Trusted</dt>
      <dd>{client.trusted ? 'Yes: may use client_credentials and hold privileged scopes' : 'No'}</dd>
      <dt>Authentication</dt>
      <dd>{client.token_endpoint_auth_method === 'none' ? 'none (public client)' : client.token_endpoint_auth_method}</dd>
      <dt>Grant types</dt>
      <dd>{client.grant_types?.join(', ') || 'None'}</dd>
      <dt>Scopes</dt>
      {/* null: the client may ask for every scope that is not privileged. */}
      <dd>{client.scope ?? 'Every non-privileged scope'}</dd>
      <dt>Redirect URIs</dt>
      <dd>
        {redirects.length === 0 ? (
          'None'
        ) : (
          <ul class="plain">
            {redirects.map((uri) => (
              <li key={uri}>
                <code>{uri}</code>
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Resource server of</dt>
      <dd>{client.resource_server ? <code>{client.resource_server}</code> : 'No resource'}</dd>
      <dt>Created</dt>
      <dd>{client.created_at === undefined ? 'Unknown' : fromNumericDate(client.created_at)}</dd>
      <dt>State</dt>
      <dd>{client.disabled ? `Disabled${client.disabled_at ? ` since ${fromNumericDate(client.disabled_at)}` : ''}` : 'Active'}</dd>
      {others.map(([field, value]) => [
        <dt key={`${field}-name`}>{field}</dt>,
        <dd key={`${field}-value`}>
          <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
        </dd>,
      ])}
    </dl>
  );
}

/** One client's registered metadata and the operator's actions on it (/console/clients/<id>). */
export function ClientDetails({ admin, clientId, canWrite }: { admin: AdminApi; clientId: string; canWrite: boolean }) {
  const client = useLoad(() => admin.clientDetails(clientId), [clientId]);
  const { status, act } = useAction(client.reload, client.setError);
  const [secret, setSecret] = useState<ShownSecret>();
  const [deleted, setDeleted] = useState(false);
  const shown = deleted ? undefined : client.data;
  return (
    <section aria-labelledby="client-title">
      <p>
        <RouteLink path={ROUTES.clients}>All clients</RouteLink>
      </p>
      <h1 tabIndex={-1} id="client-title">
        {client.data?.client_name ?? clientId}
      </h1>
      <ErrorNotice error={client.error} />
      <StatusNotice status={status} />
      {secret && <SecretOnce label={secret.label} secret={secret.value} onDone={() => setSecret(undefined)} />}
      {deleted && <p>This client no longer exists: its grants and tokens were revoked with it.</p>}
      {shown && (
        <>
          <Metadata client={shown} />
          {canWrite && (
            <div class="row-actions">
              <ClientActions admin={admin} client={shown} act={act} onSecret={setSecret} onDeleted={() => setDeleted(true)} />
            </div>
          )}
        </>
      )}
    </section>
  );
}

import type { AdminApi, AdminClient } from '../api/admin-api';
import type { RunAction } from '../ui/use-action';

/** A secret to show once: what it is, and its value. */
export interface ShownSecret {
  label: string;
  value: string;
}

/**
 * What an operator may do to a client, in the clients list and on its details alike: disable
 * or enable it, rotate its secret (shown once), delete it after confirmation. Each button's
 * accessible name starts with its visible text and names the client.
 */
export function ClientActions({
  admin,
  client,
  act,
  onSecret,
  onDeleted,
}: {
  admin: AdminApi;
  client: AdminClient;
  act: RunAction;
  onSecret: (secret: ShownSecret) => void;
  /** Instead of the usual reload: a deleted client has nothing left to show. */
  onDeleted?: () => void;
}) {
  const id = client.client_id;
  const name = client.client_name ?? id;
  return (
    <>
      <button type="button" aria-label={`${client.disabled ? 'Enable' : 'Disable'} ${name}`} onClick={() => void act(() => admin.setClientEnabled(id, !!client.disabled), `${name} ${client.disabled ? 'enabled' : 'disabled'}.`)}>
        {client.disabled ? 'Enable' : 'Disable'}
      </button>
      {/* A public client (none) has no secret to rotate. */}
      {client.token_endpoint_auth_method !== 'none' && (
        <button
          type="button"
          aria-label={`Rotate secret of ${name}`}
          onClick={() =>
            void act(async () => {
              const { client_secret } = await admin.rotateSecret(id);
              onSecret({ label: `The new secret of ${name} (${id}).`, value: client_secret });
            }, `New secret for ${name}.`)
          }
        >
          Rotate secret
        </button>
      )}
      <button
        type="button"
        class="danger"
        aria-label={`Delete ${name}`}
        onClick={() => {
          if (confirm(`Delete ${name}? Its grants and tokens are revoked.`)) void act(() => admin.deleteClient(id), `${name} deleted.`, onDeleted);
        }}
      >
        Delete
      </button>
    </>
  );
}

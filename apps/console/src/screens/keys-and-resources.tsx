import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { type AdminApi, fromNumericDate, itemsOf } from '../api/admin-api';
import { ErrorNotice, StatusNotice } from '../ui/notices';
import { useLoad } from '../ui/use-load';

export function Keys({ admin, canWrite }: { admin: AdminApi; canWrite: boolean }) {
  const keys = useLoad(async () => itemsOf(await admin.keys()), []);
  const [status, setStatus] = useState('');
  return (
    <section aria-labelledby="keys-title">
      <h1 tabIndex={-1} id="keys-title">
        Signing keys
      </h1>
      {canWrite && (
        <button
          type="button"
          onClick={() => {
            if (!confirm('Rotate the signing key? New tokens are signed with a new key; the old one verifies until its tokens expire.')) return;
            admin
              .rotateKeys()
              .then(() => {
                setStatus('Signing key rotated.');
                keys.reload();
              })
              .catch((err: Error) => keys.setError(err.message));
          }}
        >
          Rotate the signing key
        </button>
      )}
      <ErrorNotice error={keys.error} />
      <StatusNotice status={status} />
      <div class="table-scroll">
        <table>
          <caption class="visually-hidden">Signing keys</caption>
          <thead>
            <tr>
              <th scope="col">Key id</th>
              <th scope="col">Algorithm</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {keys.data?.map((k) => (
              <tr key={k.kid}>
                <th scope="row">
                  <code>{k.kid}</code>
                </th>
                <td>{k.alg}</td>
                <td>{k.status}</td>
                <td>{k.created_at ? fromNumericDate(k.created_at) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function Resources({ admin }: { admin: AdminApi }) {
  const resources = useLoad(async () => itemsOf(await admin.resources()), []);
  return (
    <section aria-labelledby="resources-title">
      <h1 tabIndex={-1} id="resources-title">
        Resources and scopes
      </h1>
      <ErrorNotice error={resources.error} />
      <ul class="cards">
        {resources.data?.map((r) => (
          <li key={r.resource}>
            <h2>
              <code>{r.resource}</code>
            </h2>
            <dl>
              {r.scopes.map((s) => (
                <Fragment key={s.name}>
                  <dt>
                    <code>{s.name}</code>
                  </dt>
                  <dd>{s.description ?? ''}</dd>
                </Fragment>
              ))}
            </dl>
          </li>
        ))}
      </ul>
    </section>
  );
}

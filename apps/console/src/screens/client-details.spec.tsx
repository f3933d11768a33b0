import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { AdminApi, fromNumericDate } from '../api/admin-api';
import { recordingClient } from '../testing/recording-fetch';
import { ClientDetails } from './client-details';

const ADMIN = 'http://localhost:9000/admin';
const CIMD = 'https://app.example.com/client.json';
const CREATED = 1795852800;

/** The admin API's view of one client, kept between requests so that actions show their effect. */
function setup(view: Record<string, unknown>, canWrite = true) {
  let current: Record<string, unknown> | undefined = { ...view };
  const { client, requests } = recordingClient('admin', ADMIN, (r) => {
    if (r.method === 'GET') return current ? { body: current } : { status: 404, body: { error: 'not_found', error_description: 'no such client' } };
    if (r.url.endsWith('/secret')) return { body: { ...current, client_secret: 'rotated-secret-abc' } };
    if (r.url.endsWith('/disable')) current = { ...current, disabled: true, disabled_at: CREATED + 60 };
    if (r.url.endsWith('/enable')) current = { ...current, disabled: false, disabled_at: null };
    if (r.method === 'DELETE') current = undefined;
    return { status: r.method === 'DELETE' ? 204 : 200, body: current };
  });
  render(<ClientDetails admin={new AdminApi(client)} clientId={String(view.client_id)} canWrite={canWrite} />);
  return requests;
}

const DESK = {
  client_id: CIMD,
  client_name: 'Desk app',
  origin: 'metadata_document',
  trusted: false,
  disabled: false,
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  redirect_uris: ['http://127.0.0.1/callback', 'https://app.example.com/cb'],
  scope: null,
  resource_server: null,
  created_at: CREATED,
  disabled_at: null,
  software_id: 'desk-2',
};

const ROBOT = {
  client_id: 'svc-1',
  client_name: 'Billing',
  origin: 'preregistered',
  trusted: true,
  disabled: false,
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['client_credentials'],
  redirect_uris: [],
  scope: 'mcp:tools',
  resource_server: null,
  created_at: CREATED,
  disabled_at: null,
};

/** The value beside a term of the details list. */
const valueOf = (term: string) => screen.getByText(term, { selector: 'dt' }).nextElementSibling?.textContent;

describe('ClientDetails', () => {
  it("shows every field of the client's view, its URL id encoded in the path", async () => {
    const requests = setup(DESK);
    await screen.findByRole('heading', { level: 1, name: 'Desk app' });
    expect(requests[0]).toMatchObject({ method: 'GET', url: `${ADMIN}/clients/${encodeURIComponent(CIMD)}`, authorization: 'Bearer token-for-admin' });
    expect(valueOf('Client ID')).toBe(CIMD);
    expect(valueOf('Registration')).toBe('Client ID metadata document');
    expect(valueOf('Trusted')).toBe('No');
    expect(valueOf('Authentication')).toBe('none (public client)');
    expect(valueOf('Grant types')).toBe('authorization_code, refresh_token');
    expect(valueOf('Scopes')).toBe('Every non-privileged scope');
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(DESK.redirect_uris);
    expect(valueOf('Created')).toBe(fromNumericDate(CREATED));
    expect(valueOf('State')).toBe('Active');
    // A field this screen does not know yet is still shown.
    expect(valueOf('software_id')).toBe('desk-2');
    // A public client has no secret to rotate.
    expect(screen.getByRole('button', { name: 'Disable Desk app' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Rotate secret/ })).toBeNull();
    expect(screen.getByRole('link', { name: 'All clients' }).getAttribute('href')).toBe('/console/clients');
  });

  it('rotates the secret and shows the new one once', async () => {
    const requests = setup(ROBOT);
    await screen.findByRole('heading', { level: 1, name: 'Billing' });
    expect(valueOf('Registration')).toBe('Pre-registered by an operator');
    expect(valueOf('Redirect URIs')).toBe('None');
    fireEvent.click(screen.getByRole('button', { name: 'Rotate secret of Billing' }));
    expect(await screen.findByText('rotated-secret-abc')).toBeTruthy();
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.url)).toEqual([`${ADMIN}/clients/svc-1/secret`]);
    expect(screen.getByRole('status').textContent).toBe('New secret for Billing.');
    fireEvent.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByText('rotated-secret-abc')).toBeNull();
  });

  it('disables, then enables, showing the state the API answers', async () => {
    setup(ROBOT);
    await screen.findByRole('heading', { level: 1, name: 'Billing' });
    fireEvent.click(screen.getByRole('button', { name: 'Disable Billing' }));
    await waitFor(() => expect(valueOf('State')).toBe(`Disabled since ${fromNumericDate(CREATED + 60)}`));
    expect(screen.getByRole('status').textContent).toBe('Billing disabled.');
    fireEvent.click(screen.getByRole('button', { name: 'Enable Billing' }));
    await waitFor(() => expect(valueOf('State')).toBe('Active'));
    expect(screen.getByRole('status').textContent).toBe('Billing enabled.');
  });

  it('deletes only after confirmation, then says the client is gone without asking for it again', async () => {
    const requests = setup(ROBOT);
    await screen.findByRole('heading', { level: 1, name: 'Billing' });
    const confirm = jest.spyOn(window, 'confirm').mockReturnValueOnce(false).mockReturnValueOnce(true);
    fireEvent.click(screen.getByRole('button', { name: 'Delete Billing' }));
    expect(requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Delete Billing' }));
    expect(await screen.findByText(/This client no longer exists/)).toBeTruthy();
    expect(requests.filter((r) => r.method === 'DELETE').map((r) => r.url)).toEqual([`${ADMIN}/clients/svc-1`]);
    expect(screen.getByRole('status').textContent).toBe('Billing deleted.');
    expect(requests.filter((r) => r.method === 'GET')).toHaveLength(1);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('button', { name: /Billing/ })).toBeNull();
    confirm.mockRestore();
  });

  it('offers no change to a reader without admin:write', async () => {
    setup(ROBOT, false);
    await screen.findByRole('heading', { level: 1, name: 'Billing' });
    expect(valueOf('Trusted')).toMatch(/^Yes/);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('says so when the client does not exist', async () => {
    const { client } = recordingClient('admin', ADMIN, () => ({ status: 404, body: { error: 'not_found', error_description: "no client 'gone'" } }));
    render(<ClientDetails admin={new AdminApi(client)} clientId="gone" canWrite />);
    expect((await screen.findByRole('alert')).textContent).toBe("no client 'gone'");
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('gone');
  });
});

import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { AdminApi } from '../api/admin-api';
import { recordingClient } from '../testing/recording-fetch';
import { Clients } from './clients';

const ADMIN = 'http://localhost:9000/admin';
const CIMD = 'https://app.example.com/client.json';

function setup(canWrite = true) {
  const { client, requests } = recordingClient('admin', ADMIN, (r) => {
    if (r.method === 'GET') {
      return {
        body: {
          items: [
            { client_id: 'svc-1', client_name: 'Billing', trusted: true, grant_types: ['client_credentials'], scope: 'mcp:tools', token_endpoint_auth_method: 'client_secret_basic' },
            { client_id: CIMD, client_name: 'Desk app', grant_types: ['authorization_code'], scope: 'mcp:tools', token_endpoint_auth_method: 'none', disabled: true },
          ],
          next_cursor: null,
        },
      };
    }
    if (r.url.endsWith('/secret')) return { body: { client_secret: 'rotated-secret-abc' } };
    if (r.method === 'POST' && r.url === `${ADMIN}/clients`) return { status: 201, body: { client_id: 'new-1', client_name: 'Reports', client_secret: 'shown-once-xyz' } };
    return { status: 204 };
  });
  render(<Clients admin={new AdminApi(client)} canWrite={canWrite} />);
  return requests;
}

describe('Clients', () => {
  it('lists clients from the admin API with the admin token', async () => {
    const requests = setup();
    expect(await screen.findByText('Billing')).toBeTruthy();
    expect(requests[0]).toMatchObject({ method: 'GET', url: `${ADMIN}/clients?limit=50`, authorization: 'Bearer token-for-admin' });
    expect(screen.getByRole('button', { name: 'Enable Desk app' })).toBeTruthy();
    // A public client has no secret to rotate.
    expect(screen.queryByRole('button', { name: 'Rotate secret of Desk app' })).toBeNull();
  });

  it("links each client to its details: a real link, followed without a reload", async () => {
    setup();
    const link = await screen.findByRole('link', { name: 'Desk app (details)' });
    expect(link.getAttribute('href')).toBe(`/console/clients/${encodeURIComponent(CIMD)}`);
    const moved = jest.fn();
    addEventListener('popstate', moved);
    fireEvent.click(link);
    expect(location.pathname).toBe(`/console/clients/${encodeURIComponent(CIMD)}`);
    expect(moved).toHaveBeenCalledTimes(1);
    removeEventListener('popstate', moved);
  });

  it('encodes a URL client id in the path, and deletes only after confirmation', async () => {
    const requests = setup();
    await screen.findByText('Desk app');
    const confirm = jest.spyOn(window, 'confirm').mockReturnValueOnce(false).mockReturnValueOnce(true);
    fireEvent.click(screen.getByRole('button', { name: 'Delete Desk app' }));
    expect(requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Delete Desk app' }));
    await waitFor(() => expect(requests.filter((r) => r.method === 'DELETE')).toHaveLength(1));
    expect(requests.find((r) => r.method === 'DELETE')?.url).toBe(`${ADMIN}/clients/${encodeURIComponent(CIMD)}`);
    expect((await screen.findByRole('status')).textContent).toBe('Desk app deleted.');
    confirm.mockRestore();
  });

  it('creates a trusted client and shows its secret once', async () => {
    const requests = setup();
    await screen.findByText('Billing');
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Reports' } });
    fireEvent.input(screen.getByLabelText('Scopes (space separated)'), { target: { value: 'mcp:tools audit:read' } });
    fireEvent.submit(screen.getByRole('button', { name: 'Create' }).closest('form') as HTMLFormElement);
    expect(await screen.findByText('shown-once-xyz')).toBeTruthy();
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ client_name: 'Reports', grant_types: ['client_credentials'], scope: 'mcp:tools audit:read', token_endpoint_auth_method: 'client_secret_basic' });
    fireEvent.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByText('shown-once-xyz')).toBeNull();
  });

  it('offers no change to a reader without admin:write', async () => {
    setup(false);
    await screen.findByText('Billing');
    expect(screen.queryByRole('button', { name: /Delete|Disable|Enable|Rotate/ })).toBeNull();
    expect(screen.queryByText('Create a trusted client')).toBeNull();
  });
});

import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { AdminApi } from '../api/admin-api';
import { recordingClient } from '../testing/recording-fetch';
import { Users } from './users';

const ADMIN = 'http://localhost:9000/admin';

describe('Users and their grants', () => {
  it("shows a person's connected applications and revokes one", async () => {
    let revoked = false;
    const { client, requests } = recordingClient('admin', ADMIN, (r) => {
      if (r.url.startsWith(`${ADMIN}/users?`)) return { body: { items: [{ id: 'u-1', username: 'alice', roles: ['admin'], disabled: false, federated: false }], next_cursor: null } };
      if (r.url === `${ADMIN}/users/u-1/grants`) {
        return {
          body: {
            items: revoked
              ? []
              : [{ grant_id: 'g-1', client_id: 'desk', client_name: 'Desk app', scopes: ['mcp:tools'], resource: 'http://localhost:3000/mcp', approved_at: 1795852800, last_used_at: null }],
          },
        };
      }
      if (r.method === 'DELETE') revoked = true;
      return { status: 204 };
    });
    render(<Users admin={new AdminApi(client)} canWrite />);
    expect(await screen.findByText('alice')).toBeTruthy();
    expect(screen.getByText('Active')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Unlock alice' }));
    await waitFor(() => expect(requests.some((r) => r.method === 'POST' && r.url === `${ADMIN}/users/u-1/unlock`)).toBe(true));

    fireEvent.click(screen.getByRole('button', { name: 'Applications of alice' }));
    expect(await screen.findByText('Desk app')).toBeTruthy();
    expect(screen.getByText('never')).toBeTruthy();
    const confirm = jest.spyOn(window, 'confirm').mockReturnValue(true);
    fireEvent.click(screen.getByRole('button', { name: 'Revoke Desk app for alice' }));
    await waitFor(() => expect(screen.getByText('Desk app revoked.')).toBeTruthy());
    expect(requests.find((r) => r.method === 'DELETE')?.url).toBe(`${ADMIN}/grants/g-1`);
    expect(await screen.findByText('None.')).toBeTruthy();
    confirm.mockRestore();
  });

  it('adds a user with the admin role when asked', async () => {
    const { client, requests } = recordingClient('admin', ADMIN, (r) => (r.method === 'GET' ? { body: { items: [], next_cursor: null } } : { status: 201, body: { id: 'u-2', username: 'bob' } }));
    render(<Users admin={new AdminApi(client)} canWrite />);
    fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'bob' } });
    fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'battery-staple' } });
    fireEvent.click(screen.getByLabelText('Administrator (may use this console)'));
    fireEvent.submit(screen.getByRole('button', { name: 'Add' }).closest('form') as HTMLFormElement);
    await waitFor(() => expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ username: 'bob', password: 'battery-staple', roles: ['admin'] }));
    expect((await screen.findByRole('status')).textContent).toBe('Added bob.');
  });
});

import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import type { AuditApi, AuditEvent, AuditFilter } from '../api/audit-api';
import { AuditExplorer } from './audit-explorer';

function event(n: number): AuditEvent {
  return { id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type: 'auth.token.issued', source: '/portcullis/auth-server', time: new Date(Date.UTC(2026, 10, 28, 8, 0, n)).toISOString(), subject: `jti-${n}`, data: { client_id: `client-${n}` } };
}

/** Two pages of events: the first ends with a cursor, the second does not. */
function fakeAudit(calls: { filter: AuditFilter; cursor?: string }[]): AuditApi {
  return {
    async events(filter: AuditFilter, options: { cursor?: string } = {}) {
      calls.push({ filter, cursor: options.cursor });
      return options.cursor === 'page-2' ? { events: [event(1)], next_cursor: null } : { events: [event(3), event(2)], next_cursor: 'page-2' };
    },
  } as unknown as AuditApi;
}

describe('AuditExplorer', () => {
  it('lists events newest first and pages on with the cursor', async () => {
    const calls: { filter: AuditFilter; cursor?: string }[] = [];
    render(<AuditExplorer audit={fakeAudit(calls)} />);
    expect(await screen.findByText('client-3')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Showing 2 events; more are older.');
    fireEvent.click(screen.getByRole('button', { name: 'Load older events' }));
    expect(await screen.findByText('client-1')).toBeTruthy();
    expect(calls.at(-1)).toEqual({ filter: {}, cursor: 'page-2' });
    expect(screen.getAllByRole('row')).toHaveLength(4);
    expect(screen.queryByRole('button', { name: 'Load older events' })).toBeNull();
  });

  it('sends the filters as the query API names them', async () => {
    const calls: { filter: AuditFilter; cursor?: string }[] = [];
    render(<AuditExplorer audit={fakeAudit(calls)} />);
    await screen.findByText('client-3');
    fireEvent.input(screen.getByLabelText('Type'), { target: { value: 'auth.* ' } });
    fireEvent.input(screen.getByLabelText('Client ID'), { target: { value: 'client-2' } });
    fireEvent.input(screen.getByLabelText('From'), { target: { value: '2026-11-28T08:00:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1].filter).toEqual({ type: 'auth.*', subject: undefined, client_id: 'client-2', from: new Date('2026-11-28T08:00:00').toISOString(), to: undefined });
  });
});

import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import type { Page } from '../api/admin-api';
import { NextPageButton, SearchForm } from './search-form';
import { useAdminList } from './use-admin-list';

/** A list screen reduced to the shared parts: search, rows, next page, an action per row. */
function Names({ load, act }: { load: (q: string, cursor?: string) => Promise<Page<string>>; act: () => Promise<unknown> }) {
  const list = useAdminList(load);
  return (
    <>
      <SearchForm label="Search names" onSearch={list.search} />
      <p role="alert">{list.error}</p>
      <p role="status">{list.status}</p>
      <ul>
        {list.items?.map((n) => (
          <li key={n}>
            {n}{' '}
            <button type="button" onClick={() => void list.act(act, `Done with ${n}.`)}>
              Act on {n}
            </button>
          </li>
        ))}
      </ul>
      <NextPageButton cursor={list.nextCursor} onNext={list.nextPage} />
    </>
  );
}

describe('useAdminList with SearchForm', () => {
  it('searches from the first page, pages on with the cursor, and reloads after an action', async () => {
    const load = jest.fn(async (q: string, cursor?: string): Promise<Page<string>> => (cursor ? { items: [`${q}-2`], next_cursor: null } : { items: [`${q}-1`], next_cursor: 'c1' }));
    render(<Names load={load} act={async () => undefined} />);
    await screen.findByText('-1');
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('-2');
    expect(screen.queryByRole('button', { name: 'Next page' })).toBeNull();

    fireEvent.input(screen.getByRole('searchbox', { name: 'Search names' }), { target: { value: '  ann ' } });
    fireEvent.submit(screen.getByRole('search'));
    await screen.findByText('ann-1');
    expect(load.mock.calls).toEqual([['', undefined], ['', 'c1'], ['ann', undefined]]);

    fireEvent.click(screen.getByRole('button', { name: 'Act on ann-1' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Done with ann-1.'));
    await waitFor(() => expect(load).toHaveBeenCalledTimes(4));
    expect(load.mock.calls[3]).toEqual(['ann', undefined]);
  });

  it("puts a failed action's reason in the alert and says nothing done", async () => {
    render(<Names load={async () => ({ items: ['x'], next_cursor: null })} act={async () => Promise.reject(new Error('client is busy'))} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Act on x' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('client is busy'));
    expect(screen.getByRole('status').textContent).toBe('');
  });
});

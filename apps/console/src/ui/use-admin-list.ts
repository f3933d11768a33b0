import { useState } from 'preact/hooks';
import type { Page } from '../api/admin-api';
import { useAction } from './use-action';
import { useLoad } from './use-load';

/**
 * A searchable, paged admin list (clients, users) and the operator's actions on its rows: a new
 * search starts from the first page; after an action the status line says what was done and
 * the page is loaded again, a failure goes to the list's alert.
 */
export function useAdminList<T>(load: (q: string, cursor?: string) => Promise<Page<T>>) {
  const [query, setQuery] = useState('');
  const [cursor, setCursor] = useState<string>();
  const list = useLoad(() => load(query, cursor), [query, cursor]);
  const { status, setStatus, act } = useAction(list.reload, list.setError);
  return {
    items: list.data?.items,
    error: list.error,
    reload: list.reload,
    search: (q: string) => {
      setCursor(undefined);
      setQuery(q);
    },
    nextCursor: list.data?.next_cursor ?? undefined,
    nextPage: () => setCursor(list.data?.next_cursor ?? undefined),
    status,
    setStatus,
    act,
  };
}

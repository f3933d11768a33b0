import { useEffect, useRef, useState } from 'preact/hooks';
import type { AuditApi, AuditEvent, AuditFilter } from '../api/audit-api';
import { StatusNotice } from '../ui/notices';

/** How often the live tail asks for newer events. */
export const TAIL_INTERVAL_MS = 5000;

/** A datetime-local value (the person's local time) as RFC 3339, or undefined when empty. */
function toInstant(local: string): string | undefined {
  if (!local) return undefined;
  const ms = Date.parse(local);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function AuditExplorer({ audit }: { audit: AuditApi }) {
  const [form, setForm] = useState({ type: '', subject: '', client_id: '', from: '', to: '' });
  const [filter, setFilter] = useState<AuditFilter>({});
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState('');
  const [tail, setTail] = useState(false);
  const seen = useRef(new Set<string>());

  const load = async (f: AuditFilter, after?: string) => {
    setError(undefined);
    try {
      const page = await audit.events(f, { cursor: after, limit: 50 });
      const fresh = page.events.filter((e) => !seen.current.has(e.id));
      fresh.forEach((e) => seen.current.add(e.id));
      setEvents((old) => (after ? [...old, ...fresh] : page.events));
      if (!after) {
        seen.current = new Set(page.events.map((e) => e.id));
      }
      setCursor(page.next_cursor);
      setStatus(`${after ? 'Loaded' : 'Showing'} ${page.events.length} event${page.events.length === 1 ? '' : 's'}${page.next_cursor ? '; more are older' : ''}.`);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  useEffect(() => {
    void load(filter);
  }, [filter]);

  // Live tail: poll for events newer than the newest shown and put them on top.
  useEffect(() => {
    if (!tail) return;
    const timer = setInterval(() => {
      const newest = events[0]?.time;
      audit
        .events({ ...filter, from: newest ?? filter.from }, { limit: 100 })
        .then((page) => {
          const fresh = page.events.filter((e) => !seen.current.has(e.id));
          if (!fresh.length) return;
          fresh.forEach((e) => seen.current.add(e.id));
          setEvents((old) => [...fresh, ...old]);
          setStatus(`${fresh.length} new event${fresh.length === 1 ? '' : 's'}.`);
        })
        .catch((err: Error) => setError(err.message));
    }, TAIL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [tail, filter, events]);

  const field = (name: keyof typeof form) => ({
    value: form[name],
    onInput: (e: Event) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value }),
  });

  const exportAll = async () => {
    const to = filter.to ?? new Date().toISOString();
    const from = filter.from ?? new Date(Date.parse(to) - 24 * 3600_000).toISOString();
    try {
      download(await audit.export({ ...filter, from, to }), `audit-${from}.ndjson`);
      setStatus('Export ready.');
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section aria-labelledby="explorer-title">
      <h1 tabIndex={-1} id="explorer-title">Audit explorer</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({
            type: form.type.trim() || undefined,
            subject: form.subject.trim() || undefined,
            client_id: form.client_id.trim() || undefined,
            from: toInstant(form.from),
            to: toInstant(form.to),
          });
        }}
      >
        <label>
          Type <input name="type" placeholder="auth.* or auth.token.issued" {...field('type')} />
        </label>
        <label>
          Subject <input name="subject" {...field('subject')} />
        </label>
        <label>
          Client ID <input name="client_id" {...field('client_id')} />
        </label>
        <label>
          From <input name="from" type="datetime-local" step="1" {...field('from')} />
        </label>
        <label>
          To <input name="to" type="datetime-local" step="1" {...field('to')} />
        </label>
        <div class="actions">
          <button type="submit">Search</button>
          <label class="check">
            <input type="checkbox" checked={tail} onChange={(e) => setTail((e.target as HTMLInputElement).checked)} /> Live tail
          </label>
          <button type="button" onClick={() => void exportAll()}>
            Export NDJSON
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <StatusNotice status={status} />
      <div class="table-scroll">
        <table class="events">
          <caption class="visually-hidden">Audit events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Type</th>
              <th scope="col">Subject</th>
              <th scope="col">Client</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>
                  <time dateTime={e.time}>{new Date(e.time).toLocaleString()}</time>
                </td>
                <td>{e.type}</td>
                <td>{e.subject ?? ''}</td>
                <td>{typeof e.data?.client_id === 'string' ? e.data.client_id : ''}</td>
                <td>
                  <details>
                    <summary>Event {e.id.slice(0, 8)}</summary>
                    <pre>{JSON.stringify(e, null, 2)}</pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cursor && (
        <button type="button" onClick={() => void load(filter, cursor)}>
          Load older events
        </button>
      )}
    </section>
  );
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auditIngestSecretSetting, HttpIngestTransport } from './http-ingest.transport';
import type { OutboxRow } from '../outbox/outbox.store';

describe('HttpIngestTransport', () => {
  let server: Server;
  let url: string;
  const seen: (string | undefined)[] = [];
  const bodies: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => bodies.push(body));
      if (req.url?.endsWith('/silent')) return; // never answers
      res.writeHead(req.headers.authorization === 'Bearer the-right-credential-1234' ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.headers.authorization ? { stored: 1 } : { error: 'invalid_token', error_description: 'missing or unknown producer credential' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/events`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  const rows = [{ seq: 1, id: 'e1', payload: '{"id":"e1"}' }] as unknown as OutboxRow[];

  it("presents the producer's own credential", async () => {
    const result = await new HttpIngestTransport({ url, secret: 'the-right-credential-1234' }).deliver(rows);
    expect(result).toEqual({ delivered: 1 });
    expect(seen.at(-1)).toBe('Bearer the-right-credential-1234');
  });

  it('posts the batch as one JSON array of the stored payloads, in order', async () => {
    const two = [
      { seq: 1, id: 'e1', payload: '{"id":"e1"}' },
      { seq: 2, id: 'e2', payload: '{"id":"e2","data":{"n":2}}' },
    ] as unknown as OutboxRow[];
    expect(await new HttpIngestTransport({ url, secret: 'the-right-credential-1234' }).deliver(two)).toEqual({ delivered: 2 });
    expect(JSON.parse(bodies.at(-1) ?? '')).toEqual([{ id: 'e1' }, { id: 'e2', data: { n: 2 } }]);
  });

  it('gives up on an audit service that never answers, delivering nothing', async () => {
    const result = await new HttpIngestTransport({ url: url.replace('/internal/events', '/silent'), secret: 'the-right-credential-1234', timeoutMs: 300 }).deliver(rows);
    expect(result.delivered).toBe(0);
    expect(result.error).toBeDefined();
  }, 10_000);

  it('says what to configure when the audit service refuses it, never quoting the credential', async () => {
    const none = await new HttpIngestTransport({ url }).deliver(rows);
    expect(none.delivered).toBe(0);
    expect(String(none.error)).toContain('audit ingest answered 401: missing or unknown producer credential');
    expect(String(none.error)).toContain('AUDIT_INGEST_SECRET is unset');
    const wrong = await new HttpIngestTransport({ url, secret: 'a-wrong-credential-56789' }).deliver(rows);
    expect(String(wrong.error)).toContain("check this producer's AUDIT_INGEST_SECRET");
    expect(String(wrong.error)).not.toContain('a-wrong-credential-56789');
  });

  it('reads an empty AUDIT_INGEST_SECRET as unset and refuses a short one', () => {
    expect(auditIngestSecretSetting.parse('')).toBeUndefined();
    expect(auditIngestSecretSetting.parse(undefined)).toBeUndefined();
    expect(auditIngestSecretSetting.safeParse('short').success).toBe(false);
  });
});

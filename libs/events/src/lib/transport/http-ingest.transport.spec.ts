import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auditIngestSecretSetting, HttpIngestTransport } from './http-ingest.transport';
import type { OutboxRow } from '../outbox/outbox.store';

describe('HttpIngestTransport', () => {
  let server: Server;
  let url: string;
  const seen: (string | undefined)[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      res.writeHead(req.headers.authorization === 'Bearer the-right-credential-1234' ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.headers.authorization ? { stored: 1 } : { error: 'invalid_token', error_description: 'missing or unknown producer credential' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/events`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const rows = [{ seq: 1, id: 'e1', payload: '{"id":"e1"}' }] as unknown as OutboxRow[];

  it("presents the producer's own credential", async () => {
    const result = await new HttpIngestTransport({ url, secret: 'the-right-credential-1234' }).deliver(rows);
    expect(result).toEqual({ delivered: 1 });
    expect(seen.at(-1)).toBe('Bearer the-right-credential-1234');
  });

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

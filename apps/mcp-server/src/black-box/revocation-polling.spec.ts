import { freePort, type RunningService, startService } from '@portcullis/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Without a broker, a replica reads the authorization server's revocation list once at start
 * and then once per REVOCATIONS_POLL_MS — one listener per process. (The listener used to be
 * provided under two injection tokens, so Nest started it twice: two polls per period, and
 * half of the authorization server's log.)
 */

const POLL_MS = 500;
const WINDOW_MS = 3_000;

/** A stand-in for the authorization server's `GET /revocations` that counts its readers. */
async function revocationList(): Promise<{ url: string; reads: () => number; close: () => Promise<void> }> {
  let reads = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/revocations') reads++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ revocations: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/revocations`,
    reads: () => reads,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the revocation list is polled by one listener per replica', () => {
  let list: Awaited<ReturnType<typeof revocationList>>;
  let dir: string;
  let replica: RunningService | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-revocation-poll-'));
    list = await revocationList();
  });
  afterAll(async () => {
    await replica?.stop();
    await list.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it(`reads the list once at start, then about once per ${POLL_MS} ms`, async () => {
    const port = await freePort();
    replica = await startService('mcp-server', port, {
      RESOURCE_URL: `http://127.0.0.1:${port}/mcp`,
      ISSUER_URL: 'http://127.0.0.1:9/',
      SQLITE_PATH: join(dir, 'mcp.sqlite'),
      DATABASE_URL: undefined,
      BROKER_URL: undefined,
      REVOCATIONS_URL: list.url,
      REVOCATIONS_POLL_MS: String(POLL_MS),
    });
    const atStart = list.reads();
    // The list is read before the replica serves; one listener reads it once (two read it twice,
    // unless a poll period passed in between, hence the bound rather than an equality).
    expect(atStart).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const polls = list.reads() - atStart;
    // One listener: WINDOW_MS / POLL_MS = 6 polls (give or take a period of scheduling);
    // a second listener would double that.
    expect(polls).toBeGreaterThanOrEqual(WINDOW_MS / POLL_MS - 2);
    expect(polls).toBeLessThanOrEqual(WINDOW_MS / POLL_MS + 2);
  }, 60_000);
});

import { authenticateProducer, parseIngestProducers } from './ingest-producers';

const A = 'credential-of-the-auth-server-0001';
const M = 'credential-of-the-mcp-server-00002';

describe('AUDIT_INGEST_PRODUCERS', () => {
  it('binds each credential to its sources', () => {
    const producers = parseIngestProducers(` /portcullis/auth-server=${A} , /portcullis/mcp-server|/portcullis/mcp-gateway=${M},`);
    expect(producers.map((p) => [p.name, [...p.sources]])).toEqual([
      ['/portcullis/auth-server', ['/portcullis/auth-server']],
      ['/portcullis/mcp-server|/portcullis/mcp-gateway', ['/portcullis/mcp-server', '/portcullis/mcp-gateway']],
    ]);
    expect(authenticateProducer(A, producers)?.name).toBe('/portcullis/auth-server');
    expect(authenticateProducer(M, producers)?.sources.has('/portcullis/mcp-gateway')).toBe(true);
    expect(authenticateProducer(`${A}x`, producers)).toBeUndefined();
    expect(authenticateProducer('', producers)).toBeUndefined();
  });

  it('is empty when unset, so ingest refuses everyone', () => {
    expect(parseIngestProducers(undefined)).toEqual([]);
    expect(parseIngestProducers('')).toEqual([]);
    expect(authenticateProducer(A, [])).toBeUndefined();
  });

  it.each([
    ['no credential', '/portcullis/auth-server', /expected <source>=<credential>/],
    ['no source', `=${A}`, /expected <source>=<credential>/],
    ['a short credential', '/portcullis/auth-server=short', /at least 16 characters/],
    ['a credential with a space', '/portcullis/auth-server=abcdefgh ijklmnopqrs', /may use only/],
    ['one credential for two producers', `/a=${A},/b=${A}`, /also another producer's/],
    ['one source bound twice', `/a=${A},/a=${M}`, /bound to two credentials/],
  ])('refuses %s with a line that never quotes the credential', (_case, value, message) => {
    let error: unknown;
    try {
      parseIngestProducers(value);
    } catch (err) {
      error = err;
    }
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(A);
    expect((error as Error).message).not.toContain('ijklmnopqrs');
  });
});

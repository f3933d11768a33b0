import type { FastifyRequest } from 'fastify';
import { knownClientId, noteClientId } from './request-client';

function request(parts: { authorization?: string; body?: unknown; query?: unknown }): FastifyRequest {
  return { headers: { authorization: parts.authorization }, body: parts.body, query: parts.query ?? {} } as unknown as FastifyRequest;
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('knownClientId', () => {
  it('prefers the client the endpoint authenticated', () => {
    const req = request({ body: { client_id: 'claimed' } });
    noteClientId(req, 'authenticated');
    expect(knownClientId(req)).toBe('authenticated');
  });

  it('reads the HTTP Basic user name, never the secret', () => {
    const req = request({ authorization: basic('robot:1', 's3cret-value') });
    expect(knownClientId(req)).toBe('robot:1');
    expect(JSON.stringify(knownClientId(req))).not.toContain('s3cret');
  });

  it('falls back to the client_id of the body, then of the query', () => {
    expect(knownClientId(request({ body: { client_id: 'from-body' }, query: { client_id: 'from-query' } }))).toBe('from-body');
    expect(knownClientId(request({ query: { client_id: 'from-query' } }))).toBe('from-query');
  });

  it.each([
    ['a JWT (a token pasted as client_id)', 'eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.x'],
    ['an overlong value', 'a'.repeat(256)],
    ['control characters', 'evil\nforged-log-line'],
  ])('leaves out %s', (_name, value) => {
    expect(knownClientId(request({ body: { client_id: value } }))).toBeUndefined();
  });

  it('keeps a reverse-domain client_id with dots', () => {
    expect(knownClientId(request({ body: { client_id: 'com.example.app' } }))).toBe('com.example.app');
  });
});

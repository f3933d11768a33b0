import { cloudEventSchema, createEvent, EventContractError, parseEvent, parseEventJson } from './cloud-event';
import { EVENT_DATA_SCHEMAS } from './event-data.schemas';
import { EVENT_TYPES, EventType } from './event-types';
import { looksLikeSecretField, REDACTED, secretLikeFields } from './secret-field.guard';

const source = '/portcullis/auth-server';
const issued = {
  grant_type: 'authorization_code' as const,
  client_id: 'c1',
  subject: 'alice',
  scopes: ['sentiment:read'],
  resource: 'http://localhost:3000/mcp',
  jti: 'j-1',
  expires_at: 1_900_000_000,
};

describe('event contract', () => {
  it('defines a data schema for every type, each named <area>.<entity>.<past-tense verb>', () => {
    expect(Object.keys(EVENT_DATA_SCHEMAS).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) expect(type).toMatch(/^(auth|mcp)\.[a-z_]+\.[a-z_]+(ed|ied)$/);
  });

  it.each(EVENT_TYPES)('%s has no field named like a secret', (type) => {
    expect(secretLikeFields(EVENT_DATA_SCHEMAS[type])).toEqual([]);
  });

  it('the name guard catches secret-like names and lets their metadata through', () => {
    for (const bad of ['token', 'refresh_token', 'access_token', 'code', 'code_verifier', 'password', 'client_secret', 'id_token', 'codeVerifier', 'session_cookie', 'private_key'])
      expect(looksLikeSecretField(bad)).toBe(true);
    for (const ok of ['jti', 'refresh_family_id', 'token_endpoint_auth_method', 'grant_type', 'expires_at', 'token_client_id', 'pkce_method', 'scopes'])
      expect(looksLikeSecretField(ok)).toBe(false);
  });

  it('createEvent builds a CloudEvents 1.0 structured event', () => {
    const e = createEvent(EventType.TokenIssued, issued, { source, subject: 'j-1' });
    expect(e).toMatchObject({ specversion: '1.0', source, type: 'auth.token.issued', subject: 'j-1', datacontenttype: 'application/json', data: issued });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(e.time).toISOString()).toBe(e.time);
    expect(parseEventJson(JSON.stringify(e))).toEqual(e);
  });

  it('createEvent refuses an envelope attribute the caller got wrong, as the envelope schema would', () => {
    const refused = (options: Parameters<typeof createEvent>[2]) => () => createEvent(EventType.TokenIssued, issued, options);
    expect(refused({ source, subject: '' })).toThrow(/invalid envelope: subject/);
    expect(refused({ source, subject: 's'.repeat(513) })).toThrow(/invalid envelope: subject/);
    expect(refused({ source, id: 'not-a-uuid' })).toThrow(/invalid envelope: id/);
    expect(refused({ source: '' })).toThrow(/invalid envelope: source/);
    expect(refused({ source: 'x'.repeat(257) })).toThrow(/invalid envelope: source/);
    expect(refused({ source, time: new Date(Date.UTC(10_000, 0, 1)) })).toThrow(/invalid envelope: time/);
    // A source found valid once is not trusted for another value.
    expect(createEvent(EventType.TokenIssued, issued, { source }).source).toBe(source);
    expect(refused({ source: '' })).toThrow(EventContractError);
    // What it builds is what the envelope schema accepts, attributes in the schema's order.
    const id = '5b0f7c0e-2a57-4d4c-9a53-1c1f0c7f8b1e';
    const e = createEvent(EventType.TokenIssued, issued, { source, id, subject: 's', requestId: 'r-1', time: new Date(0) });
    expect(Object.keys(e)).toEqual(['specversion', 'id', 'source', 'type', 'time', 'subject', 'datacontenttype', 'requestid', 'data']);
    expect(cloudEventSchema.parse(e)).toEqual(e);
  });

  it('createEvent refuses wrong, missing and unknown fields', () => {
    expect(() => createEvent(EventType.TokenIssued, { ...issued, grant_type: 'password' as never }, { source })).toThrow(EventContractError);
    const { jti: _jti, ...noJti } = issued;
    expect(() => createEvent(EventType.TokenIssued, noJti as never, { source })).toThrow(/jti/);
    expect(() => createEvent(EventType.TokenIssued, { ...issued, access_token: 'x' } as never, { source })).toThrow(/access_token/);
    expect(() => createEvent('auth.nothing.happened' as never, {} as never, { source })).toThrow(/unknown event type/);
  });

  it('createEvent keeps the event and redacts a JWT-looking value in any field and in subject', () => {
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    const e = createEvent(EventType.LoginFailed, { username: jwt, reason: 'unknown_user' }, { source, subject: jwt });
    expect(e.data).toEqual({ username: REDACTED, reason: 'unknown_user' });
    expect(e.subject).toBe(REDACTED);
    const rejected = createEvent(EventType.TokenRejected, { grant_type: jwt, error: 'unsupported_grant_type', error_description: `grant_type ${jwt} is not supported` }, { source });
    expect(rejected.data).toEqual({ grant_type: REDACTED, error: 'unsupported_grant_type', error_description: `grant_type ${REDACTED} is not supported` });
    expect(parseEventJson(JSON.stringify(rejected))).toEqual(rejected);
  });

  it('createEvent leaves data without a JWT shape as given', () => {
    const data = { username: 'eyJ-not-a-token.x', reason: 'unknown_user' as const };
    expect(createEvent(EventType.LoginFailed, data, { source }).data).toEqual(data);
  });

  it('a revocation must name a jti or a refresh family, also on the consumer side', () => {
    const data = { client_id: 'c1', jtis: [], reason: 'client_request' as const, expires_at: 1 };
    expect(() => createEvent(EventType.TokenRevoked, data, { source })).toThrow(/no jti/);
    const ok = createEvent(EventType.TokenRevoked, { ...data, jtis: ['a'] }, { source });
    expect(() => parseEvent({ ...ok, data })).toThrow(/no jti/);
  });

  it('parseEvent accepts unknown extra data fields but not bad envelopes or types', () => {
    const e = createEvent(EventType.TokenIssued, issued, { source });
    expect(parseEvent({ ...e, data: { ...e.data, added_later: 1 } }).data).toMatchObject({ added_later: 1 });
    expect(() => parseEvent({ ...e, specversion: '0.3' })).toThrow(/specversion/);
    expect(() => parseEvent({ ...e, id: 'nope' })).toThrow(/id/);
    expect(() => parseEvent({ ...e, type: 'auth.token.exploded' })).toThrow(/unknown event type/);
    expect(() => parseEvent({ ...e, data: { ...e.data, scopes: 'x' } })).toThrow(/scopes/);
    expect(() => parseEventJson('{not json')).toThrow(/not JSON/);
  });

  it('carries the request id as the `requestid` extension attribute, kept by parseEvent, and only when valid', () => {
    const event = createEvent(EventType.TokenIssued, issued, { source, requestId: 'req-42' });
    expect(event.requestid).toBe('req-42');
    expect(parseEvent(JSON.parse(JSON.stringify(event))).requestid).toBe('req-42');
    expect(createEvent(EventType.TokenIssued, issued, { source })).not.toHaveProperty('requestid');
    expect(() => createEvent(EventType.TokenIssued, issued, { source, requestId: 'no spaces <b>' })).toThrow(EventContractError);
  });
});

describe('the CloudEvents Distributed Tracing extension', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('createEvent sets traceparent and tracestate when given, and nothing when not', () => {
    const traced = createEvent(EventType.TokenIssued, issued, { source, traceparent, tracestate: 'vendor=opaque' });
    expect(traced).toMatchObject({ traceparent, tracestate: 'vendor=opaque' });
    const plain = createEvent(EventType.TokenIssued, issued, { source });
    expect(Object.keys(plain)).not.toContain('traceparent');
    expect(Object.keys(plain)).not.toContain('tracestate');
  });

  it('parseEvent keeps them through the wire', () => {
    const event = createEvent(EventType.TokenIssued, issued, { source, traceparent, tracestate: 'a=1,b=2' });
    expect(parseEventJson(JSON.stringify(event))).toMatchObject({ traceparent, tracestate: 'a=1,b=2' });
  });

  it('parseEvent drops a malformed trace context and keeps the event', () => {
    const event = { ...createEvent(EventType.TokenIssued, issued, { source }), traceparent: 'not-a-traceparent', tracestate: 'x'.repeat(600) };
    const parsed = parseEvent(event);
    expect(parsed.id).toBe(event.id);
    expect(parsed.traceparent).toBeUndefined();
    expect(parsed.tracestate).toBeUndefined();
  });
});

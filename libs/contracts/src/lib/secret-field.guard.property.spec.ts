import fc from 'fast-check';
import { createEvent } from './cloud-event';
import { EventType } from './event-types';
import { containsJwtLike, redactJwtLike } from './secret-field.guard';

/*
 * Hostile-input suite for the by-value guard (issue 9: a JWT-shaped client_id, grant_type or
 * username made createEvent throw, so the request ended in a 500 and no event was kept).
 */

const source = '/portcullis/auth-server';
const b64url = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: 1, maxLength: 40 });

/** A compact JWS as a client would send it: three base64url parts, the header a JSON object. */
const jwt = fc
  .tuple(fc.dictionary(fc.constantFrom('alg', 'typ', 'kid'), fc.string({ maxLength: 12 }), { minKeys: 1 }), b64url, fc.option(b64url, { nil: '' }))
  .map(([header, payload, signature]) => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`);

/** A string with one or more JWTs somewhere in it, among arbitrary text. */
const withJwt = fc
  .tuple(fc.string({ maxLength: 20 }), jwt, fc.string({ maxLength: 20 }), fc.option(jwt, { nil: '' }))
  .map(([before, token, after, another]) => `${before}${token}${after}${another}`);

/** Every data field of the events a request's attacker-chosen input reaches. */
const cases = {
  'auth.login.failed username': (v: string) => createEvent(EventType.LoginFailed, { username: v.slice(0, 256), reason: 'unknown_user' }, { source }),
  'auth.token.rejected grant_type': (v: string) =>
    createEvent(EventType.TokenRejected, { grant_type: v.slice(0, 128), error: 'unsupported_grant_type', error_description: v.slice(0, 512) }, { source }),
  'auth.authorization.denied client_id': (v: string) =>
    createEvent(EventType.AuthorizationDenied, { client_id: v, error: 'invalid_request', error_description: 'unknown client', redirect_uri: v, resource: v }, { source, subject: v }),
  'mcp.request.denied tool and method': (v: string) =>
    createEvent(EventType.McpRequestDenied, { status: 401, reason: 'invalid_token', tool: v.slice(0, 128), method: v.slice(0, 128), required_scopes: [v.slice(0, 128)] }, { source }),
  'auth.client.registration_rejected client_name': (v: string) =>
    createEvent(EventType.ClientRegistrationRejected, { error: 'invalid_client_metadata', error_description: v.slice(0, 512), client_name: v.slice(0, 256) }, { source }),
};

describe('JWT-shaped values in events (fast-check)', () => {
  it.each(Object.keys(cases))('%s: createEvent never throws, and no JWT shape survives serialization', (name) => {
    const build = cases[name as keyof typeof cases];
    fc.assert(
      fc.property(withJwt, (value) => {
        const serialized = JSON.stringify(build(value));
        expect(containsJwtLike(JSON.parse(serialized))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('redaction is idempotent and leaves strings without a JWT shape untouched', () => {
    fc.assert(
      fc.property(fc.oneof(withJwt, fc.string()), (value) => {
        const once = redactJwtLike(value);
        expect(redactJwtLike(once)).toBe(once);
        expect(containsJwtLike(once)).toBe(false);
        if (!containsJwtLike(value)) expect(once).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('redacts at any depth without touching the caller\'s object', () => {
    fc.assert(
      fc.property(fc.jsonValue(), withJwt, (json, token) => {
        const input = { json, nested: [{ token }] };
        const snapshot = JSON.stringify(input);
        const redacted = redactJwtLike(input);
        expect(containsJwtLike(redacted)).toBe(false);
        expect(JSON.stringify(input)).toBe(snapshot);
      }),
      { numRuns: 500 },
    );
  });
});

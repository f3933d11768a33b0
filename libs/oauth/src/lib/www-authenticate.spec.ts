import { bearerChallenge } from './www-authenticate';

describe('bearerChallenge', () => {
  it('builds an insufficient_scope challenge with every required scope', () => {
    expect(
      bearerChallenge({ resourceMetadata: 'http://x/.well-known/oauth-protected-resource/mcp', scope: ['a', 'b'], error: 'insufficient_scope' }),
    ).toBe('Bearer error="insufficient_scope", scope="a b", resource_metadata="http://x/.well-known/oauth-protected-resource/mcp"');
  });
  it('escapes quotes and strips line breaks from descriptions', () => {
    expect(bearerChallenge({ resourceMetadata: 'm', error: 'invalid_token', errorDescription: 'bad "x"\r\nInjected: 1' })).toBe(
      'Bearer error="invalid_token", error_description="bad \\"x\\"  Injected: 1", resource_metadata="m"',
    );
  });
});

import { BrowserOAuthProvider, connectWithOAuth, scopesOf, withAuthorization } from '@portcullis/testing';
import { type GatewayStack, startGatewayStack } from '../testing/gateway-stack';

/*
 * The MCP SDK v2 client does its own OAuth through the gateway, with nothing but the upstream's
 * gateway URL: the 401 sends it to that upstream's RFC 9728 metadata, from there to the real
 * authorization server, where it registers, a person logs in and consents to the upstream's
 * scopes (declared in the gateway file), and the token is bound to the upstream's resource.
 * A tool needing more scope gets 403 insufficient_scope, and the client steps up.
 */

const resourceScopes = (url: URL) => scopesOf(url).filter((s) => s !== 'offline_access');

describe('step-up through the gateway with the MCP SDK v2 client', () => {
  let stack: GatewayStack;
  beforeAll(async () => {
    stack = await startGatewayStack();
  }, 120_000);
  afterAll(() => stack?.stop(), 30_000);

  it('discovers, authorizes for the upstream, lists, is refused a tool needing more scope, steps up and calls it', async () => {
    const provider = new BrowserOAuthProvider(stack.as);
    const { client, transport } = await connectWithOAuth(stack.resource('everything'), provider);
    const first = provider.authorizationRequests[0];
    expect(first.searchParams.get('resource')).toBe(stack.resource('everything'));
    // The challenge's scope (the SDK adds offline_access, which the authorization server advertises).
    expect(resourceScopes(first)).toEqual(['everything:use']);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('get-env');

    const env = await withAuthorization(transport, provider, () => client.callTool({ name: 'get-env', arguments: {} }));
    expect(env.isError).toBeFalsy();
    expect(provider.authorizationRequests).toHaveLength(2);
    expect(resourceScopes(provider.authorizationRequests[1])).toEqual(['everything:env', 'everything:use']);
    expect(provider.tokens()?.scope?.split(' ').filter((s) => s !== 'offline_access').sort()).toEqual(['everything:env', 'everything:use']);
    await client.close();
  }, 60_000);
});

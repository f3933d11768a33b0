import { connectWithOAuthV1, scopesOf, SdkV1OAuthProvider, withAuthorizationV1 } from '@portcullis/testing';
import { type GatewayStack, startGatewayStack } from '../testing/gateway-stack';

/*
 * The MCP SDK 1.32 client (@modelcontextprotocol/sdk) does its own OAuth through the gateway:
 * from the 401 to the upstream's RFC 9728 metadata, to the real authorization server, login and
 * consent, a token bound to the upstream's resource. It is listed only what the policy permits;
 * a tool needing more scope gets 403 insufficient_scope, and the client steps up.
 *
 * SDK 1.32 authorizes again for the challenged scope alone. The gateway's challenge names every
 * scope the call needs (the connect scopes too), so nothing is lost. A client holding a refresh
 * token would instead refresh (which cannot widen scope) and fail ("Server returned 403 after
 * trying upscoping"): that path is the SDK's, documented in the README, not tested here.
 */

describe('step-up through the gateway with the MCP SDK 1.32 client', () => {
  let stack: GatewayStack;
  beforeAll(async () => {
    stack = await startGatewayStack();
  }, 120_000);
  afterAll(() => stack?.stop(), 30_000);

  it('discovers, authorizes for the upstream, lists what the policy permits, is refused a tool needing more scope, steps up and calls it', async () => {
    const provider = new SdkV1OAuthProvider(stack.as);
    const { client, transport } = await connectWithOAuthV1(stack.resource('everything'), provider);
    const first = provider.authorizationRequests[0];
    expect(first.searchParams.get('resource')).toBe(stack.resource('everything'));
    expect(scopesOf(first).filter((s) => s !== 'offline_access')).toEqual(['everything:use']);
    expect(provider.tokens()?.refresh_token).toBeUndefined();
    // Denied and privileged tools are hidden; get-env (a consent away) is shown.
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['echo', 'get-env', 'get-sum', 'trigger-long-running-operation']);

    const env = await withAuthorizationV1(transport, provider, () => client.callTool({ name: 'get-env', arguments: {} }));
    expect(env.isError).toBeFalsy();
    expect(provider.authorizationRequests).toHaveLength(2);
    expect(scopesOf(provider.authorizationRequests[1])).toEqual(['everything:env', 'everything:use']);
    expect(provider.tokens()?.scope?.split(' ').sort()).toEqual(['everything:env', 'everything:use']);
    await client.close();
  }, 60_000);
});

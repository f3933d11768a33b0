// panva's oidc-provider under benchmark, in its own process (oidc-provider-server.mjs).
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startNode } from '../lib/index.mjs';
import { CODE_CHALLENGE, REDIRECT_URI, RESOURCE, RESOURCE_SCOPES, SCOPE, USERNAME } from './scenario.mjs';

const here = dirname(fileURLToPath(import.meta.url));

export async function startTheirs({ root, nodeArgs = [], logFile }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'token-bench';
  const clientSecret = randomBytes(32).toString('base64url');
  const server = await startNode({
    script: join(here, 'oidc-provider-server.mjs'),
    cwd: root,
    nodeArgs,
    logFile,
    readyUrl: `${issuer}/.well-known/openid-configuration`,
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      ISSUER_URL: issuer,
      RESOURCE_URL: RESOURCE,
      RESOURCE_SCOPES: RESOURCE_SCOPES.join(' '),
      CLIENT_ID: clientId,
      CLIENT_SECRET: clientSecret,
      REDIRECT_URI,
      ACCESS_TOKEN_TTL: '600',
    },
  });
  return {
    name: 'oidc-provider',
    baseUrl: issuer,
    clientId,
    clientSecret,
    registration: 'static client in the provider configuration',
    pid: server.pid,
    cpuSources: { server: async () => [server.pid] },
    async mintCodes(n) {
      const codes = [];
      // Batches keep each response small and the provider responsive.
      while (codes.length < n) {
        const batch = Math.min(5000, n - codes.length);
        const q = new URLSearchParams({ n: String(batch), code_challenge: CODE_CHALLENGE, account: USERNAME, scope: SCOPE });
        const res = await fetch(`${issuer}/__bench/codes?${q}`, { method: 'POST' });
        if (!res.ok) throw new Error(`minting oidc-provider codes failed: ${res.status} ${await res.text()}`);
        codes.push(...(await res.json()));
      }
      return codes;
    },
    stop: () => server.stop(),
  };
}

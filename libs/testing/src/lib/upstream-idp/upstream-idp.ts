import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../free-port';

/** A running upstream OpenID Provider (oidc-idp.mjs), for sign-in with an organisation's IdP. */
export interface UpstreamIdp {
  issuer: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts oidc-idp.mjs. `host` names the issuer's host: `localhost` makes the IdP another site
 * than an auth-server on 127.0.0.1 (as a real IdP is), which matters to a real browser's cookies.
 */
export async function startUpstreamIdp(clients: Record<string, unknown>[], host = '127.0.0.1'): Promise<UpstreamIdp> {
  const port = await freePort();
  const issuer = `http://${host}:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['--no-warnings', join(__dirname, 'oidc-idp.mjs')], {
    env: { ...process.env, PORT: String(port), ISSUER: issuer, CLIENTS: JSON.stringify(clients), NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the upstream IdP did not start:\n${stderr}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the upstream IdP exited (${code}):\n${stderr}`));
    });
  });
  return {
    issuer,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        // Already gone (exited, or killed by a signal: then exitCode stays null).
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The client our auth-server is at the test IdP, and its secret (given through the environment). */
export const UPSTREAM_CLIENT = { id: 'portcullis-test', secret: 'upstream-client-secret-5e0b7a1c9d42' } as const;

/** The IdP's client registration for our connections' callbacks at `issuer`. */
export function upstreamClient(issuer: string, connectionIds: string[]): Record<string, unknown> {
  return {
    client_id: UPSTREAM_CLIENT.id,
    client_secret: UPSTREAM_CLIENT.secret,
    redirect_uris: connectionIds.map((id) => `${issuer}/federation/${id}/callback`),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

/** Writes an OIDC_CONNECTIONS_FILE; returns its path. */
export function writeConnectionsFile(entries: Record<string, unknown>[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'portcullis-oidc-')), 'connections.json');
  writeFileSync(path, JSON.stringify(entries));
  return path;
}

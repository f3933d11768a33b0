import { ChildProcess, spawn } from 'node:child_process';
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
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

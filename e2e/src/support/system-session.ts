import { Scope } from '@portcullis/scopes';
import { clientCredentialsTokens, registerTrustedClient } from '@portcullis/testing';
import { CallbackServer, type McpApp } from './mcp-app';
import { auditStory, type CloudEvent } from './oauth-http';
import { Person } from './person';
import { startTopology, type Topology, type TopologyOptions } from './topology';

/** Who signs in at the authorization server's pages, and where their screenshots go. */
export interface PersonOptions {
  credentials: { username: string; password: string };
  /** "Continue with <provider>" as `login` at the upstream IdP, instead of the password form. */
  upstream?: { provider: string; login: string };
  /** A folder of its own below ARTIFACTS (person.ts), so that other files' runs leave it be. */
  artifacts?: string;
}

/**
 * What the e2e files of the production shape start with: the topology (topology.ts), the
 * callback server an MCP client's redirect URI points at, and a person in Chromium answering
 * the authorization server's pages, the browser open.
 */
export interface SystemSession {
  topo: Topology;
  callback: CallbackServer;
  person: Person;
  /** Closes the MCP client (if one connected), the browser, the callback server and the topology. */
  stop(app?: McpApp): Promise<void>;
}

export async function startSystemSession(topology: TopologyOptions, who: PersonOptions): Promise<SystemSession> {
  let topo: Topology | undefined;
  let callback: CallbackServer | undefined;
  let person: Person | undefined;
  const stop = async (app?: McpApp) => {
    await app?.client.close().catch(() => undefined);
    await person?.close();
    await callback?.stop();
    await topo?.stop();
  };
  try {
    topo = await startTopology(topology);
    callback = await new CallbackServer().start();
    person = new Person(who.credentials, callback.url, who.upstream, who.artifacts);
    await person.open();
    return { topo, callback, person, stop };
  } catch (err) {
    // Nothing half-started outlives a failed start: the caller has no session to stop.
    await stop();
    throw err;
  }
}

/**
 * An auditor of the test's own (a trusted client with audit:read) reading one client's events
 * since `from` from the audit API, with a fresh token each time: access tokens are short-lived
 * in these topologies.
 */
export async function auditReader(topo: Topology, clientName: string): Promise<(clientId: string, from: Date) => Promise<CloudEvent[]>> {
  const auditor = await registerTrustedClient(topo.authServer, { client_name: clientName, scope: Scope.AuditRead });
  return async (clientId, from) => {
    const { access_token: token } = await clientCredentialsTokens(topo.authServer, auditor, { resource: topo.auditResource, scope: Scope.AuditRead });
    return auditStory(topo.auditUrl, token, clientId, from, new Date(Date.now() + 60_000));
  };
}

/**
 * What `probe` finds, asked every 250 ms until it finds something: events reach the audit store
 * asynchronously (outbox relay, broker). Throws naming `what` after `ms`.
 */
export async function within<T>(ms: number, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

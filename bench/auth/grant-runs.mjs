// One measured run of one grant against one server (token-bench.mjs runs them in rounds).
//
// client_credentials runs for a duration with the same request body. The code exchange and
// the refresh grant spend single-use credentials — an authorization code, a refresh token —
// so each request takes the next one of a pool minted before the run (minting not measured).
import { countersPerRequest, measure, median, round, startCpuMeter } from '../lib/index.mjs';
import { mintRefreshTokens, tokenHeaders } from './credentials.mjs';
import { clientCredentialsBody, codeExchangeBody, refreshBody } from './scenario.mjs';

export const SCENARIOS = ['client_credentials', 'authorization_code', 'refresh_token'];

const SINGLE_USE = {
  authorization_code: { noun: 'codes', mint: (s, n, progress) => s.mintCodes(n, progress), body: codeExchangeBody },
  refresh_token: { noun: 'refresh tokens', mint: mintRefreshTokens, body: refreshBody },
};

/**
 * Measures `scenario` on `server` once: `{ requestsPerSec, p50Ms, p99Ms, total, …,
 * serverCpuMsPerReq, databaseCpuMsPerReq, auditEventsPerReq, dbPerRequest }`. `ccRate` is this
 * server's client_credentials rate so far (sizes the single-use pools).
 */
export async function measureGrant({ server, scenario, opts, ccRate, log }) {
  const common = {
    url: `${server.baseUrl}/token`,
    method: 'POST',
    headers: tokenHeaders(server),
    connections: opts.connections,
    // A fixed offered rate (token-ab.mjs): both builds then batch alike, so CPU per request compares their work.
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    ...cpuHooks(server),
  };
  const before = opts.dbStats && server.dbCounters ? await server.dbCounters() : undefined;
  let m;
  if (scenario === 'client_credentials') {
    m = await measure({ ...common, body: clientCredentialsBody(), duration: opts.duration, warmupSeconds: opts.warmup });
  } else {
    const { noun, mint, body } = SINGLE_USE[scenario];
    // Enough for about `duration` seconds at the client_credentials rate (an upper bound: these
    // grants do more), plus a warm-up and spares (autocannon prepares one request per
    // connection ahead). Capped at --max-codes, the same for both servers, so both spend the
    // same number; a run may then end sooner than `duration`.
    const measured = Math.max(500, Math.min(opts.maxCodes, Math.ceil((ccRate ?? 2000) * opts.duration)));
    const warm = Math.max(200, Math.ceil(measured / 5));
    const total = measured + warm + opts.connections * 4 + 10;
    log(`  minting ${total} ${noun}…`);
    const t0 = Date.now();
    const pool = { items: await mint(server, total, (k) => log(`  ${k} ${noun}`)), next: 0 };
    log(`  minted in ${((Date.now() - t0) / 1000).toFixed(1)} s (not measured); spending ${warm} (warm-up) + ${measured} (measured)`);
    const requests = () => singleUseRequests(pool, body);
    m = await measure({ ...common, requests: requests(), warmupRequests: requests(), warmupAmount: warm, amount: measured });
  }
  if (before) {
    m.dbPerRequest = countersPerRequest(before, await server.dbCounters(), m.total + m.warmupTotal);
    log(`  PostgreSQL per request: ${JSON.stringify(m.dbPerRequest)}`);
  }
  const cpu = m.measuredHook;
  delete m.measuredHook;
  if (cpu && m.total > 0) {
    m.serverCpuMsPerReq = round(cpu.serverMs / m.total, 3);
    if (cpu.databaseMs !== undefined) m.databaseCpuMsPerReq = round(cpu.databaseMs / m.total, 3);
    if (cpu.events !== undefined) m.auditEventsPerReq = round(cpu.events / m.total, 2);
  }
  return m;
}

/** The median client_credentials rate of a server over the rounds so far. */
export function clientCredentialsRate(results, serverName) {
  return median((results.client_credentials?.[serverName] ?? []).map((m) => m.requestsPerSec));
}

/**
 * autocannon request list whose body is built per request from the next unused credential.
 * None is sent twice; when the pool runs dry the request carries an invalid one, which the
 * server answers 400, and the run is reported invalid rather than silently short.
 */
function singleUseRequests(pool, body) {
  return [{ method: 'POST', path: '/token', setupRequest: (req) => ({ ...req, body: body(pool.items[pool.next++] ?? 'pool-exhausted') }) }];
}

/**
 * CPU spent during the measured run by the server and (ours) its PostgreSQL backends, less
 * sensitive to other load on a shared machine than requests per second; and audit events the
 * server delivered meanwhile. Metered per process (lib/cpu-meter.mjs): a pool connection that
 * closes mid-run keeps what it spent.
 */
function cpuHooks(server) {
  return {
    beforeMeasured: async () => ({
      server: await startCpuMeter(server.cpuSources.server),
      database: server.cpuSources.database ? await startCpuMeter(server.cpuSources.database) : undefined,
      events: server.deliveredEvents ? await server.deliveredEvents() : undefined,
    }),
    afterMeasured: async (before) => {
      const serverMs = await before.server.stop();
      const databaseMs = await before.database?.stop();
      // The relay drains asynchronously: give it a moment before counting what arrived.
      let events;
      if (before.events !== undefined) {
        await new Promise((r) => setTimeout(r, 1500));
        events = (await server.deliveredEvents()) - before.events;
      }
      return { serverMs, databaseMs, events };
    },
  };
}

import { secretsEqual } from '@portcullis/oauth';

/**
 * A producer allowed to POST to the embedded ingest endpoint: its own credential, and the
 * CloudEvents `source` values (CloudEvents 1.0 §3.1.1: the context in which an event happened)
 * its events may carry. Binding the two is what makes `source` mean something: an event is
 * stored only if the caller that proved itself is the producer its `source` names.
 */
export interface IngestProducer {
  /** For logs: the producer's sources, never its credential. */
  readonly name: string;
  readonly sources: ReadonlySet<string>;
  readonly credential: string;
}

/** Enough to rule out a guessable value; generated credentials are 43 characters (32 bytes). */
export const MIN_CREDENTIAL_LENGTH = 16;

/** Credentials travel in an Authorization header and a comma-separated list: no separators. */
const CREDENTIAL = /^[A-Za-z0-9._~+/=-]+$/;
/** A CloudEvents source is a URI-reference; `|`, `=` and `,` are kept for the list syntax. */
const SOURCE = /^[^\s|=,]+$/;

/**
 * Parses AUDIT_INGEST_PRODUCERS: comma-separated entries `<source>[|<source>…]=<credential>`,
 * e.g. `/portcullis/auth-server=K1…,/portcullis/mcp-server=K2…`. Throws with one clear line
 * (never quoting a credential) for anything else, so the service refuses to start on a typo.
 */
export function parseIngestProducers(value: string | undefined): IngestProducer[] {
  const producers: IngestProducer[] = [];
  const seenSources = new Set<string>();
  for (const [index, raw] of (value ?? '').split(',').entries()) {
    const entry = raw.trim();
    if (!entry) continue;
    const where = `entry ${index + 1}`;
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`${where}: expected <source>=<credential>`);
    const sources = entry.slice(0, eq).split('|');
    const credential = entry.slice(eq + 1);
    for (const source of sources) {
      if (!SOURCE.test(source)) throw new Error(`${where}: "${source}" is not a CloudEvents source`);
      if (seenSources.has(source)) throw new Error(`${where}: source ${source} is bound to two credentials`);
      seenSources.add(source);
    }
    if (credential.length < MIN_CREDENTIAL_LENGTH) throw new Error(`${where} (${sources.join('|')}): the credential must be at least ${MIN_CREDENTIAL_LENGTH} characters`);
    if (!CREDENTIAL.test(credential)) throw new Error(`${where} (${sources.join('|')}): the credential may use only letters, digits and . _ ~ + / = -`);
    // One credential per producer: a shared one could not tell the producers apart.
    if (producers.some((p) => secretsEqual(credential, p.credential))) throw new Error(`${where} (${sources.join('|')}): the credential is also another producer's`);
    producers.push({ name: sources.join('|'), sources: new Set(sources), credential });
  }
  return producers;
}

/**
 * The producer whose credential was presented, or undefined. Every configured credential is
 * compared, in constant time, whether or not an earlier one matched: the answer's timing
 * tells nothing about which credentials exist or how close a guess came.
 */
export function authenticateProducer(presented: string, producers: readonly IngestProducer[]): IngestProducer | undefined {
  let found: IngestProducer | undefined;
  for (const producer of producers) if (secretsEqual(presented, producer.credential) && !found) found = producer;
  return found;
}

export interface CacheBounds {
  /** Shortest time a document is kept, whatever its headers say (bounds fetch amplification). */
  minMs: number;
  /** Longest time a document is kept, so a changed document is seen within a day at most. */
  maxMs: number;
  /** Used when the response carries no freshness information. */
  defaultMs: number;
}

/**
 * How long a fetched document may be served from memory (RFC 9111 §4.2.1): `max-age` of
 * Cache-Control, `no-store` / `no-cache` count as zero, then clamped to the bounds.
 */
export function cacheLifetimeMs(cacheControl: string | string[] | undefined, bounds: CacheBounds): number {
  const header = Array.isArray(cacheControl) ? cacheControl.join(',') : (cacheControl ?? '');
  let seconds: number | undefined;
  for (const directive of header.split(',')) {
    const [name, value] = directive.trim().toLowerCase().split('=', 2);
    if (name === 'no-store' || name === 'no-cache') {
      seconds = 0;
      break;
    }
    if (name === 'max-age' && value !== undefined) {
      const n = Number(value.replace(/^"|"$/g, ''));
      if (Number.isInteger(n) && n >= 0) seconds = n;
    }
  }
  const wanted = seconds === undefined ? bounds.defaultMs : seconds * 1000;
  return Math.min(bounds.maxMs, Math.max(bounds.minMs, wanted));
}

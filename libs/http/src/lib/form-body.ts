import { InvalidRequest } from '@portcullis/oauth';

/** A parsed request body or query: a parameter sent twice arrives as an array. */
export type RawParams = Record<string, string | string[] | undefined>;

/**
 * Parses `application/x-www-form-urlencoded` keeping every value, so that a repeated
 * parameter is seen (and refused) instead of silently resolved to its first or last value.
 */
export function parseForm(body: string): RawParams {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(body)) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/**
 * Reads parameters that must appear at most once. RFC 6749 §3.1 and §3.2: "Request and
 * response parameters MUST NOT be included more than once." Empty values count as absent
 * (RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were omitted").
 */
export function singleParams<K extends string>(source: unknown, names: readonly K[]): Partial<Record<K, string>> {
  const params = (source && typeof source === 'object' ? source : {}) as Record<string, unknown>;
  const out: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = params[name];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw new InvalidRequest(`parameter '${name}' must be given once, as a string`);
    out[name] = value;
  }
  return out;
}

/** Like singleParams, and every name in `required` must be present. */
export function requireParams<K extends string, R extends K>(
  source: unknown,
  names: readonly K[],
  required: readonly R[],
): Partial<Record<K, string>> & Record<R, string> {
  const out = singleParams(source, names);
  for (const name of required) {
    if (out[name] === undefined) throw new InvalidRequest(`missing required parameter '${name}'`);
  }
  return out as Partial<Record<K, string>> & Record<R, string>;
}

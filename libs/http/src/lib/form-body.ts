import { InvalidRequest } from '@portcullis/oauth';

/** A parsed request body or query: a parameter sent twice arrives as an array. */
export type RawParams = Record<string, string | string[] | undefined>;

/**
 * The most parameters one form body or query string may carry. An OAuth request has about a
 * dozen (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2); unknown ones must be ignored
 * (RFC 6749 §3.1), so some room is left for clients that add their own.
 */
export const MAX_FORM_PARAMETERS = 64;

/**
 * The most times one parameter name may appear. Single-valued OAuth parameters are refused
 * when repeated at all (RFC 6749 §3.1, §3.2); a few may legitimately repeat, such as
 * `resource` (RFC 8707 §2).
 */
export const MAX_VALUES_PER_NAME = 8;

/**
 * Counts the non-empty `&`-separated pairs of `text`, stopping as soon as there are more than
 * `limit`: a hostile body of `a&a&a…` is refused after reading a few hundred bytes of it.
 */
function pairCountExceeds(text: string, limit: number): boolean {
  let count = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    if (end > start && ++count > limit) return true;
    start = end + 1;
  }
  return false;
}

/**
 * Parses `application/x-www-form-urlencoded` (a body or a query string) keeping every value,
 * so that a repeated parameter is seen (and refused) instead of silently resolved to its first
 * or last value. Linear in the length of the text; more than MAX_FORM_PARAMETERS pairs, or one
 * name more than MAX_VALUES_PER_NAME times, is an `invalid_request`.
 */
export function parseForm(text: string): RawParams {
  if (pairCountExceeds(text, MAX_FORM_PARAMETERS)) {
    throw new InvalidRequest(`more than ${MAX_FORM_PARAMETERS} parameters`);
  }
  // A null prototype: a parameter called `__proto__` or `constructor` is just a name.
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (typeof prev === 'string') out[key] = [prev, value];
    else if (prev.length < MAX_VALUES_PER_NAME) prev.push(value);
    else throw new InvalidRequest(`a parameter is repeated more than ${MAX_VALUES_PER_NAME} times`);
  }
  return out;
}

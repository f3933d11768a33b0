import { z } from 'zod';

/** RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were omitted." */
const blankIsAbsent = (value: unknown): unknown => (value === '' ? undefined : value);

/**
 * RFC 6749 §3.1 / §3.2: "Request and response parameters MUST NOT be included more than
 * once." The form parser keeps a repeated parameter as an array, so anything but one string
 * (an array, or a JSON value that is not a string) is refused with this message.
 */
export function givenOnce(name: string): string {
  return `parameter '${name}' must be given once, as a string`;
}

/** An optional single-valued form parameter: a string, or undefined when omitted or empty. */
export function optionalParameter(name: string) {
  return z.preprocess(blankIsAbsent, z.string({ error: givenOnce(name) }).optional());
}

/** A required single-valued form parameter; `missing` says what the client forgot. */
export function requiredParameter(name: string, missing = `missing required parameter '${name}'`) {
  return z.preprocess(blankIsAbsent, z.string({ error: (issue) => (issue.input === undefined ? missing : givenOnce(name)) }));
}

import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in constant time. Both sides are first digested to a fixed length,
 * so neither the content nor the length of the expected value leaks through timing.
 */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Digest for high-entropy secrets the server generated itself (client secrets, codes,
 * refresh tokens): they cannot be guessed, so a fast hash is enough and lets a lookup use an
 * index. Passwords chosen by people use a slow KDF instead.
 */
export function sha256Base64Url(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** Compares a presented secret against a stored sha256Base64Url digest in constant time. */
export function matchesDigest(presented: string, storedDigest: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = Buffer.from(storedDigest, 'base64url');
  return a.length === b.length && timingSafeEqual(a, b);
}

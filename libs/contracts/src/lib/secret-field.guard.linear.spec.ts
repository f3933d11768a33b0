import fc from 'fast-check';
import { REDACTED, redactJwtLike } from './secret-field.guard';

/** The JWT shape as a regular expression: the reference the linear scan must agree with. */
const REFERENCE = /eyJ[\w-]{8,}\.[\w-]+\.[\w-]*/g;

describe('JWT redaction without a backtracking regular expression', () => {
  it('redacts exactly what the reference expression matches, on text built from JWT-ish pieces', () => {
    const piece = fc.constantFrom('eyJ', 'eyJhbGciOiJ', '.', '..', 'a', 'abcdefgh', '-', '_', ' ', '"', 'x.y', '[', 'é');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }).map((p) => p.join('')), (text) => {
        expect(redactJwtLike(text)).toBe(text.replace(REFERENCE, REDACTED));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a 64 KB run of `eyJeyJ…` once (the reference expression takes seconds on it)', () => {
    const hostile = 'eyJ'.repeat(64 * 1024 / 3);
    // No dot, so nothing in it is a JWT: what matters is that it is read once and returned.
    expect(redactJwtLike(hostile)).toBe(hostile);
    const shaped = `${'eyJ'.repeat(20_000)}.a.b`;
    expect(redactJwtLike(shaped)).toBe(REDACTED);
  });
});

import { OAuthError } from '@portcullis/oauth';
import { RegistrationFloodGuard } from './registration-flood.guard';

describe('RegistrationFloodGuard', () => {
  it('admits up to the limit per address and window, then answers 429 with Retry-After', () => {
    const guard = new RegistrationFloodGuard({ limit: 2, windowMs: 10_000 });
    guard.admit('198.51.100.1', 0);
    guard.admit('198.51.100.1', 1_000);
    let refused: OAuthError | undefined;
    try {
      guard.admit('198.51.100.1', 4_000);
    } catch (err) {
      refused = err as OAuthError;
    }
    expect(refused).toMatchObject({ status: 429, error: 'temporarily_unavailable', headers: { 'Retry-After': '6' } });
    // Other addresses are counted on their own; a new window starts afresh.
    expect(() => guard.admit('198.51.100.2', 4_000)).not.toThrow();
    expect(() => guard.admit('198.51.100.1', 10_000)).not.toThrow();
  });
});

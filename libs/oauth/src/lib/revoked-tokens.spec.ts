import { RevokedTokens } from './revoked-tokens';

describe('RevokedTokens', () => {
  const now = 1_800_000_000;

  it('holds a jti until its expiry', () => {
    const revoked = new RevokedTokens();
    revoked.revokeJtis(['a'], now + 10);
    expect(revoked.isRevoked('a', now)).toBe(true);
    expect(revoked.isRevoked('b', now)).toBe(false);
    expect(revoked.isRevoked('a', now + 10)).toBe(false);
    expect(revoked.size).toBe(0);
  });

  it('revokes the tokens of a client issued at or before the cutoff, only that client\'s', () => {
    const revoked = new RevokedTokens();
    revoked.revokeClient('robot', now, now + 700);
    expect(revoked.isClientRevoked('robot', now - 600, now)).toBe(true);
    // iat has whole seconds: a token of the cutoff's own second may predate it.
    expect(revoked.isClientRevoked('robot', now, now)).toBe(true);
    expect(revoked.isClientRevoked('robot', now + 1, now)).toBe(false);
    expect(revoked.isClientRevoked('other', now - 600, now)).toBe(false);
  });

  it('never shortens a cutoff: an older announcement arriving late keeps the newer', () => {
    const revoked = new RevokedTokens();
    revoked.revokeClient('robot', now, now + 700);
    revoked.revokeClient('robot', now - 100, now + 600);
    expect(revoked.isClientRevoked('robot', now, now + 650)).toBe(true);
  });

  it('forgets a cutoff once the tokens it covers have expired, on lookup or prune', () => {
    const revoked = new RevokedTokens();
    revoked.revokeClient('robot', now, now + 700);
    revoked.revokeClient('gone', now, now + 10);
    expect(revoked.isClientRevoked('robot', now, now + 700)).toBe(false);
    expect(revoked.clientCount).toBe(1);
    revoked.prune(now + 10);
    expect(revoked.clientCount).toBe(0);
  });
});

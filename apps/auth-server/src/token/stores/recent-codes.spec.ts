import { AuthorizationCodeEntity } from '../authorization-code.entity';
import { RecentCodes } from './recent-codes';

function code(hash: string, expiresAt: number): AuthorizationCodeEntity {
  return Object.assign(new AuthorizationCodeEntity(), { codeHash: hash, expiresAt, consumedAt: null });
}

describe('RecentCodes', () => {
  const now = 1_000_000;

  it('gives a remembered code once', () => {
    const codes = new RecentCodes();
    codes.remember(code('a', now + 60_000));
    expect(codes.take('a', now)?.codeHash).toBe('a');
    expect(codes.take('a', now)).toBeUndefined();
  });

  it('does not give an expired code (the database path then says it expired)', () => {
    const codes = new RecentCodes();
    codes.remember(code('a', now + 1));
    expect(codes.take('a', now + 1)).toBeUndefined();
    expect(codes.size).toBe(0);
  });

  it('stays within its capacity, forgetting expired codes first, then the oldest', () => {
    const codes = new RecentCodes(10);
    const realNow = Date.now();
    codes.remember(code('expired', realNow - 1));
    for (let i = 0; i < 9; i++) codes.remember(code(`live-${i}`, realNow + 60_000));
    codes.remember(code('newest', realNow + 60_000));
    expect(codes.size).toBeLessThanOrEqual(10);
    expect(codes.take('expired', realNow - 2)).toBeUndefined();
    expect(codes.take('newest', realNow)).toBeDefined();
    expect(codes.take('live-8', realNow)).toBeDefined();

    for (let i = 0; i < 100; i++) codes.remember(code(`more-${i}`, realNow + 60_000));
    expect(codes.size).toBeLessThanOrEqual(10);
    expect(codes.take('more-99', realNow)).toBeDefined();
    expect(codes.take('live-0', realNow)).toBeUndefined();
  });
});

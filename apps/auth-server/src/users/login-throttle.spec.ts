import { LoginThrottle } from './login-throttle';

describe('LoginThrottle: growing delays, never a lock', () => {
  const config = { loginMaxFailures: 3, loginDelaySeconds: 2, loginLockoutSeconds: 10 };
  const t0 = 1_000_000;

  function failTimes(throttle: LoginThrottle, n: number, username = 'alice', address = '198.51.100.1', at = t0) {
    for (let i = 0; i < n; i++) throttle.recordFailure(username, address, at);
  }

  it('allows the free failures, then doubles the delay up to the cap', () => {
    const throttle = new LoginThrottle(config);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      waits.push(throttle.waitSeconds('alice', '198.51.100.1', t0));
      throttle.recordFailure('alice', '198.51.100.1', t0);
    }
    waits.push(throttle.waitSeconds('alice', '198.51.100.1', t0));
    expect(waits).toEqual([0, 0, 0, 2, 4, 8, 10]);
    expect(throttle.waitSeconds('alice', '198.51.100.1', t0 + 10_000)).toBe(0);
  });

  it('treats an unknown username exactly like a known one', () => {
    const throttle = new LoginThrottle(config);
    failTimes(throttle, 4, 'alice', '198.51.100.1');
    failTimes(throttle, 4, 'no-such-user', '198.51.100.2');
    expect(throttle.waitSeconds('no-such-user', '198.51.100.2', t0)).toBe(throttle.waitSeconds('alice', '198.51.100.1', t0));
  });

  it("one address's failures do not delay the same account from another address, until the account-wide allowance is spent", () => {
    const throttle = new LoginThrottle(config);
    failTimes(throttle, 5);
    expect(throttle.waitSeconds('alice', '198.51.100.1', t0)).toBeGreaterThan(0);
    expect(throttle.waitSeconds('alice', '203.0.113.9', t0)).toBe(0);
    // Many addresses on one account: 4 × 3 failures are free, then the account waits everywhere.
    for (let i = 0; i < 12; i++) throttle.recordFailure('alice', `192.0.2.${i}`, t0);
    expect(throttle.waitSeconds('alice', '203.0.113.9', t0)).toBeGreaterThan(0);
    expect(throttle.waitSeconds('alice', '203.0.113.9', t0)).toBeLessThanOrEqual(config.loginLockoutSeconds);
  });

  it('slows one address spraying many accounts', () => {
    const throttle = new LoginThrottle(config);
    for (let i = 0; i < 12; i++) throttle.recordFailure(`user${i}`, '198.51.100.1', t0);
    expect(throttle.waitSeconds('someone-else', '198.51.100.1', t0)).toBeGreaterThan(0);
    expect(throttle.waitSeconds('someone-else', '198.51.100.2', t0)).toBe(0);
  });

  it('a success clears the account at that address; memory stays bounded', () => {
    const throttle = new LoginThrottle(config);
    failTimes(throttle, 3);
    throttle.recordSuccess('alice', '198.51.100.1');
    expect(throttle.waitSeconds('alice', '198.51.100.1', t0)).toBe(0);
    for (let i = 0; i < 20_000; i++) throttle.recordFailure(`u${i}`, `a${i}`, t0);
    expect((throttle as unknown as { counters: Map<string, unknown> }).counters.size).toBeLessThanOrEqual(50_000);
  });
});

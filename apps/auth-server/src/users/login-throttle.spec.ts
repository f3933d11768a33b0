import { MemoryState } from '../shared-state/memory-state';
import { LoginThrottle } from './login-throttle';

describe('LoginThrottle: growing delays, never a lock', () => {
  const config = { loginMaxFailures: 3, loginDelaySeconds: 2, loginLockoutSeconds: 10 };
  const t0 = 1_000_000;

  async function failTimes(throttle: LoginThrottle, n: number, username = 'alice', address = '198.51.100.1', at = t0) {
    for (let i = 0; i < n; i++) await throttle.recordFailure(username, address, at);
  }
  const newThrottle = () => new LoginThrottle(config, new MemoryState());

  it('allows the free failures, then doubles the delay up to the cap', async () => {
    const throttle = newThrottle();
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      waits.push(await throttle.waitSeconds('alice', '198.51.100.1', t0));
      await throttle.recordFailure('alice', '198.51.100.1', t0);
    }
    waits.push(await throttle.waitSeconds('alice', '198.51.100.1', t0));
    expect(waits).toEqual([0, 0, 0, 2, 4, 8, 10]);
    expect(await throttle.waitSeconds('alice', '198.51.100.1', t0 + 10_000)).toBe(0);
  });

  it('treats an unknown username exactly like a known one', async () => {
    const throttle = newThrottle();
    await failTimes(throttle, 4, 'alice', '198.51.100.1');
    await failTimes(throttle, 4, 'no-such-user', '198.51.100.2');
    expect(await throttle.waitSeconds('no-such-user', '198.51.100.2', t0)).toBe(await throttle.waitSeconds('alice', '198.51.100.1', t0));
  });

  it("one address's failures do not delay the same account from another address, until the account-wide allowance is spent", async () => {
    const throttle = newThrottle();
    await failTimes(throttle, 5);
    expect(await throttle.waitSeconds('alice', '198.51.100.1', t0)).toBeGreaterThan(0);
    expect(await throttle.waitSeconds('alice', '203.0.113.9', t0)).toBe(0);
    // Many addresses on one account: 4 × 3 failures are free, then the account waits everywhere.
    for (let i = 0; i < 12; i++) await throttle.recordFailure('alice', `192.0.2.${i}`, t0);
    expect(await throttle.waitSeconds('alice', '203.0.113.9', t0)).toBeGreaterThan(0);
    expect(await throttle.waitSeconds('alice', '203.0.113.9', t0)).toBeLessThanOrEqual(config.loginLockoutSeconds);
  });

  it('slows one address spraying many accounts', async () => {
    const throttle = newThrottle();
    for (let i = 0; i < 12; i++) await throttle.recordFailure(`user${i}`, '198.51.100.1', t0);
    expect(await throttle.waitSeconds('someone-else', '198.51.100.1', t0)).toBeGreaterThan(0);
    expect(await throttle.waitSeconds('someone-else', '198.51.100.2', t0)).toBe(0);
  });

  it('a success clears the account at that address', async () => {
    const throttle = newThrottle();
    await failTimes(throttle, 3);
    await throttle.recordSuccess('alice', '198.51.100.1');
    expect(await throttle.waitSeconds('alice', '198.51.100.1', t0)).toBe(0);
  });

  it('shares its counters: failures recorded by one replica delay the login at another', async () => {
    const shared = new MemoryState();
    const [one, two] = [new LoginThrottle(config, shared), new LoginThrottle(config, shared)];
    for (let i = 0; i < 4; i++) await (i % 2 ? one : two).recordFailure('alice', '198.51.100.1', t0);
    expect(await two.waitSeconds('alice', '198.51.100.1', t0)).toBe(4);
  });

  it('lets the login go ahead when the counter store cannot answer (fail open, warned)', async () => {
    const broken = { add: () => Promise.reject(new Error('down')), read: () => Promise.reject(new Error('down')), clear: () => Promise.reject(new Error('down')) };
    const throttle = new LoginThrottle(config, broken);
    await throttle.recordFailure('alice', '198.51.100.1', t0);
    await throttle.recordSuccess('alice', '198.51.100.1');
    expect(await throttle.waitSeconds('alice', '198.51.100.1', t0)).toBe(0);
  });
});

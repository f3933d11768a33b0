import { JtiReplayCache } from './jti-replay-cache';

describe('JtiReplayCache', () => {
  it('refuses a key seen before while its assertion is live', () => {
    const cache = new JtiReplayCache();
    expect(cache.remember('c:1', 2_000, 1_000)).toBe(true);
    expect(cache.remember('c:1', 2_000, 1_500)).toBe(false);
    expect(cache.remember('c:2', 2_000, 1_500)).toBe(true);
  });

  it('forgets an entry once its assertion has expired', () => {
    const cache = new JtiReplayCache(0);
    cache.remember('c:1', 2_000, 1_000);
    cache.remember('c:2', 9_000, 1_000);
    expect(cache.remember('c:3', 9_000, 2_000)).toBe(true);
    expect(cache.size).toBe(2);
  });

  it('sweeps at most once per interval, yet never treats an expired entry as a replay', () => {
    const cache = new JtiReplayCache(60_000);
    cache.remember('c:1', 2_000, 1_000);
    expect(cache.remember('c:1', 5_000, 3_000)).toBe(true);
  });
});

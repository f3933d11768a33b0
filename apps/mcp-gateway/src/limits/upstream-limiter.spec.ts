import type { GatewayUpstream } from '@portcullis/gateway-config';
import type { Principal } from '@portcullis/resource-server';
import { MemoryRateStore, type RateStore } from './rate-store';
import { UpstreamLimiter } from './upstream-limiter';

const upstream = (limits: GatewayUpstream['limits'], name = 'files') => ({ name, limits }) as GatewayUpstream;
const caller = (subject: string, clientId: string) => ({ subject, clientId, jti: 'j', scopes: [] }) as unknown as Principal;

describe('UpstreamLimiter', () => {
  it('counts each subject and each client on its own, and answers the refusal that waits longest', async () => {
    const limiter = new UpstreamLimiter(new MemoryRateStore());
    const files = upstream({ perSubject: { requests: 2, perSeconds: 10 }, perClient: { requests: 3, perSeconds: 60 } });
    expect(await limiter.checkRates(files, caller('ann', 'app'))).toBeUndefined();
    expect(await limiter.checkRates(files, caller('ann', 'app'))).toBeUndefined();
    expect(await limiter.checkRates(files, caller('ann', 'app'))).toMatchObject({ limit: 'perSubject', retryAfterSeconds: 10 });
    // bob has his own subject window, but the client's 3 are used up (ann's refused request counted too).
    expect(await limiter.checkRates(files, caller('bob', 'app'))).toMatchObject({ limit: 'perClient', retryAfterSeconds: 60 });
    expect(await limiter.checkRates(files, caller('bob', 'other-app'))).toBeUndefined();
    // Another upstream counts apart.
    expect(await limiter.checkRates(upstream(files.limits, 'mail'), caller('ann', 'app'))).toBeUndefined();
  });

  it('applies no rate limit when the store fails, saying so in a warning', async () => {
    const broken: RateStore = { hit: () => Promise.reject(new Error('Connection is closed.')), connect: async () => undefined, close: async () => undefined };
    const limiter = new UpstreamLimiter(broken);
    const warn = jest.spyOn((limiter as unknown as { logger: { warn: (m: string) => void } }).logger, 'warn').mockImplementation(() => undefined);
    const files = upstream({ perSubject: { requests: 1, perSeconds: 10 } });
    for (let i = 0; i < 5; i++) expect(await limiter.checkRates(files, caller('ann', 'app'))).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toBe('rate limits not applied: the rate store failed (Connection is closed.)');
  });

  it('caps the open requests per upstream and frees a slot once, however often it is released', () => {
    const limiter = new UpstreamLimiter(new MemoryRateStore());
    const files = upstream({ maxConcurrent: 2 });
    const first = limiter.acquire(files);
    const second = limiter.acquire(files);
    expect(first && second).toBeDefined();
    expect(limiter.acquire(files)).toBeUndefined();
    expect(limiter.acquire(upstream({ maxConcurrent: 2 }, 'mail'))).toBeDefined();
    first?.();
    first?.();
    expect(limiter.openRequests('files')).toBe(1);
    expect(limiter.acquire(files)).toBeDefined();
    expect(limiter.acquire(files)).toBeUndefined();
    // No cap: nothing counted.
    expect(limiter.acquire(upstream({}, 'free'))).toBeDefined();
    expect(limiter.openRequests('free')).toBe(0);
  });
});

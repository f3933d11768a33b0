import { fastifyTrustProxy } from './proxy-trust';

describe('fastifyTrustProxy', () => {
  it('passes false and address lists through unchanged', () => {
    expect(fastifyTrustProxy(false)).toBe(false);
    expect(fastifyTrustProxy(['10.0.0.0/8', 'loopback'])).toEqual(['10.0.0.0/8', 'loopback']);
  });

  it('turns a hop count into a test that believes exactly that many nearest hops', () => {
    const trust = fastifyTrustProxy(2) as (address: string, hop: number) => boolean;
    expect([0, 1, 2, 3].map((hop) => trust('192.0.2.1', hop))).toEqual([true, true, false, false]);
  });
});

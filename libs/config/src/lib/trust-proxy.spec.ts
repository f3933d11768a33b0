import { z } from 'zod';
import { ConfigError, parseConfig } from './load-config';
import { trustProxy } from './trust-proxy';

describe('TRUST_PROXY', () => {
  const schema = z.object({ TRUST_PROXY: trustProxy });
  const parse = (value?: string) => parseConfig(schema, value === undefined ? {} : { TRUST_PROXY: value }).TRUST_PROXY;
  const problems = (value: string): string[] => {
    try {
      parse(value);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    throw new Error(`TRUST_PROXY=${value} was accepted`);
  };

  it('defaults to trusting no proxy', () => {
    expect(parse()).toBe(false);
    expect(parse('')).toBe(false);
    expect(parse('false')).toBe(false);
    expect(parse('0')).toBe(false);
  });

  it('accepts a hop count', () => {
    expect(parse('1')).toBe(1);
    expect(parse(' 2 ')).toBe(2);
  });

  it('accepts proxy addresses, CIDR ranges and proxy-addr range names, comma-separated', () => {
    expect(parse('10.0.0.7')).toEqual(['10.0.0.7']);
    expect(parse('10.0.0.0/8, 172.16.0.0/12,fd00::/8,::1,uniquelocal')).toEqual(['10.0.0.0/8', '172.16.0.0/12', 'fd00::/8', '::1', 'uniquelocal']);
  });

  it('refuses true with one line that says what to give instead', () => {
    const lines = problems('true');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config: TRUST_PROXY: .*number of proxies.*addresses\/CIDRs/);
  });

  it.each(['yes', 'on', '1.5', '-1', '999', '10.0.0.0/33', 'fd00::/129', '10.0.0', '10.0.0.1,', 'proxy.internal', '10.0.0.0/8;rm'])('refuses %j with one line', (value) => {
    const lines = problems(value);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config: TRUST_PROXY: /);
  });
});

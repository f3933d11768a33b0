import { gatewayFileSchema } from './gateway-file.schema';
import { namePatternRegExp, UpstreamPolicy } from './upstream-policy';

const upstream = gatewayFileSchema.parse({
  upstreams: [
    {
      name: 'tools',
      url: 'http://127.0.0.1:1/mcp',
      scopes: [
        { name: 'tools:use', description: 'Use the tools' },
        { name: 'tools:env', description: 'Read the environment' },
        { name: 'tools:admin', description: 'Administer', privileged: true },
      ],
      connectScopes: ['tools:use'],
      tools: [
        { tool: 'echo', scopes: [] },
        { tool: 'get-env', scopes: ['tools:env'] },
        { tool: 'trigger-*', deny: true },
        { tool: 'admin-?', scopes: ['tools:admin'] },
      ],
      resources: [
        { uri: 'file:///secrets/*', deny: true },
        { uri: 'file:///*', scopes: ['tools:env'] },
      ],
      prompts: [{ prompt: 'simple-*', scopes: [] }],
    },
  ],
}).upstreams[0];

describe('upstream policy', () => {
  const policy = new UpstreamPolicy(upstream);
  const person = { scopes: new Set(['tools:use']), machine: false };
  const machine = { scopes: new Set(['tools:use']), machine: true };

  it('matches patterns literally except * and ?', () => {
    expect(namePatternRegExp('a.b*').test('a.bcd')).toBe(true);
    expect(namePatternRegExp('a.b*').test('axbcd')).toBe(false);
    expect(namePatternRegExp('x?').test('xy')).toBe(true);
    expect(namePatternRegExp('x?').test('xyz')).toBe(false);
    expect(namePatternRegExp('(a|b)').test('a')).toBe(false);
    expect(namePatternRegExp('file:///*').test('file:///a\nb')).toBe(true);
  });

  it('takes the first matching rule, with the connect scopes always required', () => {
    expect(policy.decide('tool', 'echo')).toEqual({ kind: 'scopes', scopes: ['tools:use'] });
    expect(policy.decide('tool', 'get-env')).toEqual({ kind: 'scopes', scopes: ['tools:use', 'tools:env'] });
    expect(policy.decide('tool', 'trigger-long-running')).toEqual({ kind: 'denied', why: 'rule' });
    expect(policy.decide('tool', 'admin-1')).toEqual({ kind: 'scopes', scopes: ['tools:use', 'tools:admin'] });
    expect(policy.decide('resource', 'file:///secrets/key')).toEqual({ kind: 'denied', why: 'rule' });
    expect(policy.decide('resource', 'file:///notes.txt')).toEqual({ kind: 'scopes', scopes: ['tools:use', 'tools:env'] });
    expect(policy.decide('prompt', 'simple-prompt')).toEqual({ kind: 'scopes', scopes: ['tools:use'] });
  });

  it('denies what no rule covers by default, and allows it with the connect scopes when configured', () => {
    expect(policy.decide('tool', 'admin-12')).toEqual({ kind: 'denied', why: 'uncovered' });
    expect(policy.decide('resource', 'https://example.com/x')).toEqual({ kind: 'denied', why: 'uncovered' });
    expect(policy.decide('prompt', 'complex')).toEqual({ kind: 'denied', why: 'uncovered' });
    const open = new UpstreamPolicy({ ...upstream, uncoveredTools: 'allow', uncoveredPrompts: 'allow' });
    expect(open.decide('tool', 'other')).toEqual({ kind: 'scopes', scopes: ['tools:use'] });
    expect(open.decide('prompt', 'complex')).toEqual({ kind: 'scopes', scopes: ['tools:use'] });
    expect(open.decide('resource', 'https://example.com/x')).toEqual({ kind: 'denied', why: 'uncovered' });
  });

  it('lists step-up items to a person but never denied, privileged-missing, or machine-unreachable ones', () => {
    expect(policy.listable('tool', 'echo', person)).toBe(true);
    expect(policy.listable('tool', 'get-env', person)).toBe(true);
    expect(new UpstreamPolicy({ ...upstream, stepUpTools: 'hide' }).listable('tool', 'get-env', person)).toBe(false);
    expect(policy.listable('tool', 'get-env', machine)).toBe(false);
    expect(policy.listable('tool', 'admin-1', person)).toBe(false);
    expect(policy.listable('tool', 'trigger-x', { scopes: new Set(['tools:use', 'tools:env']), machine: false })).toBe(false);
    expect(policy.listable('tool', 'unknown', person)).toBe(false);
    expect(policy.listable('resource', 'file:///notes.txt', person)).toBe(true);
    expect(policy.listable('resource', 'file:///secrets/key', person)).toBe(false);
  });
});

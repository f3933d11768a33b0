import { gatewayFileSchema } from './gateway-file.schema';
import { namePatternRegExp, ToolPolicy } from './tool-policy';

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
    },
  ],
}).upstreams[0];

describe('tool policy', () => {
  const policy = new ToolPolicy(upstream);

  it('matches patterns literally except * and ?', () => {
    expect(namePatternRegExp('a.b*').test('a.bcd')).toBe(true);
    expect(namePatternRegExp('a.b*').test('axbcd')).toBe(false);
    expect(namePatternRegExp('x?').test('xy')).toBe(true);
    expect(namePatternRegExp('x?').test('xyz')).toBe(false);
    expect(namePatternRegExp('(a|b)').test('a')).toBe(false);
  });

  it('takes the first matching rule, with the connect scopes always required', () => {
    expect(policy.decide('echo')).toEqual({ kind: 'scopes', scopes: ['tools:use'] });
    expect(policy.decide('get-env')).toEqual({ kind: 'scopes', scopes: ['tools:use', 'tools:env'] });
    expect(policy.decide('trigger-long-running')).toEqual({ kind: 'denied', why: 'rule' });
    expect(policy.decide('admin-1')).toEqual({ kind: 'scopes', scopes: ['tools:use', 'tools:admin'] });
  });

  it('denies tools no rule covers by default, and allows them with the connect scopes when configured', () => {
    expect(policy.decide('admin-12')).toEqual({ kind: 'denied', why: 'uncovered' });
    expect(new ToolPolicy({ ...upstream, uncoveredTools: 'allow' }).decide('other')).toEqual({ kind: 'scopes', scopes: ['tools:use'] });
  });

  it('lists step-up tools to a person but never denied, privileged-missing, or machine-unreachable ones', () => {
    const person = { scopes: new Set(['tools:use']), machine: false };
    const machine = { scopes: new Set(['tools:use']), machine: true };
    expect(policy.listable('echo', person, 'show')).toBe(true);
    expect(policy.listable('get-env', person, 'show')).toBe(true);
    expect(policy.listable('get-env', person, 'hide')).toBe(false);
    expect(policy.listable('get-env', machine, 'show')).toBe(false);
    expect(policy.listable('admin-1', person, 'show')).toBe(false);
    expect(policy.listable('trigger-x', { scopes: new Set(['tools:use', 'tools:env']), machine: false }, 'show')).toBe(false);
    expect(policy.listable('unknown', person, 'show')).toBe(false);
  });
});

import { globMatches, matchWorkloadRule } from './workload-rules';

describe('workload trust rules', () => {
  it.each([
    ['repo:acme/*:ref:refs/heads/main', 'repo:acme/agents:ref:refs/heads/main', true],
    ['repo:acme/*:ref:refs/heads/main', 'repo:acme/agents:ref:refs/heads/feature', false],
    ['repo:acme/*:ref:refs/heads/main', 'repo:evil/x:ref:refs/heads/main', false],
    ['spiffe://example.org/ns/*/sa/router', 'spiffe://example.org/ns/prod/sa/router', true],
    ['*', 'anything', true],
    ['a*a', 'a', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    // Only `*` is special: regular-expression characters are literal.
    ['a.c', 'abc', false],
    ['(a+)+$', '(a+)+$', true],
  ])('%s matches %s: %s', (pattern, value, expected) => expect(globMatches(pattern, value)).toBe(expected));

  it('takes the first rule whose subject and extra claims all match', () => {
    const rules = [
      { sub_pattern: 'repo:acme/*', claims: { repository_owner: 'acme' }, client_id: 'ci' },
      { sub: 'system:serviceaccount:a:b', client_id: 'agent' },
    ];
    expect(matchWorkloadRule(rules, { sub: 'repo:acme/x', repository_owner: 'acme' })?.client_id).toBe('ci');
    expect(matchWorkloadRule(rules, { sub: 'repo:acme/x', repository_owner: 'evil' })).toBeUndefined();
    expect(matchWorkloadRule(rules, { sub: 'system:serviceaccount:a:b' })?.client_id).toBe('agent');
    expect(matchWorkloadRule(rules, { sub: 'system:serviceaccount:a:c' })).toBeUndefined();
  });
});

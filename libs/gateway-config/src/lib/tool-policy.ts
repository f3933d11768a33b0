import type { UpstreamDeclaration } from './gateway-file.schema';

/** `*` any run of characters, `?` exactly one; everything else is matched literally. */
export function namePatternRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${body}$`, 's');
}

/** What the policy says about one tool. */
export type ToolDecision =
  /** Callable with these scopes (the connect scopes, plus the tool's own). */
  | { kind: 'scopes'; scopes: readonly string[] }
  /** Refused whatever the token holds: denied by a rule, or not covered and uncovered tools are denied. */
  | { kind: 'denied'; why: 'rule' | 'uncovered' };

/**
 * One upstream's tool policy, compiled once: rules in order, the first whose pattern matches
 * the tool's name decides; no match falls to `uncoveredTools`. Connect scopes are needed for
 * every request, so they are part of every tool's scopes.
 */
export class ToolPolicy {
  private readonly rules: { match: RegExp; decision: ToolDecision }[];
  private readonly uncovered: ToolDecision;
  private readonly privileged: ReadonlySet<string>;

  constructor(upstream: Pick<UpstreamDeclaration, 'tools' | 'uncoveredTools' | 'connectScopes' | 'scopes'>) {
    const connect = upstream.connectScopes;
    this.rules = upstream.tools.map((rule) => ({
      match: namePatternRegExp(rule.tool),
      decision: 'deny' in rule ? { kind: 'denied', why: 'rule' } : { kind: 'scopes', scopes: [...new Set([...connect, ...rule.scopes])] },
    }));
    this.uncovered = upstream.uncoveredTools === 'allow' ? { kind: 'scopes', scopes: connect } : { kind: 'denied', why: 'uncovered' };
    this.privileged = new Set(upstream.scopes.filter((s) => s.privileged).map((s) => s.name));
  }

  decide(tool: string): ToolDecision {
    for (const rule of this.rules) if (rule.match.test(tool)) return rule.decision;
    return this.uncovered;
  }

  /**
   * Whether tools/list shows the tool to this caller. Never a tool the policy denies, nor one
   * needing a scope this caller can never be granted: a machine client (client_credentials: no
   * person consents, so it holds all it ever will) lacking it, or a privileged scope not held
   * (only trusted clients may hold those; the gateway cannot tell, so it assumes not). A tool
   * needing a scope a person could still consent to is listed, so the client has something to
   * step up for — unless the upstream chose `stepUpTools: hide`.
   */
  listable(tool: string, caller: { scopes: ReadonlySet<string>; machine: boolean }, stepUpTools: 'show' | 'hide'): boolean {
    const decision = this.decide(tool);
    if (decision.kind === 'denied') return false;
    const missing = decision.scopes.filter((s) => !caller.scopes.has(s));
    if (missing.length === 0) return true;
    if (caller.machine || stepUpTools === 'hide') return false;
    return missing.every((s) => !this.privileged.has(s));
  }
}

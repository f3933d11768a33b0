import type { UpstreamDeclaration } from './gateway-file.schema';

/** `*` any run of characters, `?` exactly one; everything else is matched literally. */
export function namePatternRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${body}$`, 's');
}

/** What a policy can be about: a tool (by name), a resource (by URI), a prompt (by name). */
export type Capability = 'tool' | 'resource' | 'prompt';

/** What the policy says about one tool, resource or prompt. */
export type PolicyDecision =
  /** Usable with these scopes (the connect scopes, plus its own). */
  | { kind: 'scopes'; scopes: readonly string[] }
  /** Refused whatever the token holds: denied by a rule, or not covered and uncovered ones are denied. */
  | { kind: 'denied'; why: 'rule' | 'uncovered' };

/** Who asks, for listings: what the token holds, and whether a person could consent to more. */
export interface Caller {
  scopes: ReadonlySet<string>;
  /** A client_credentials token: no person consents, so it holds all it ever will. */
  machine: boolean;
}

interface Rule {
  pattern: string;
  scopes?: readonly string[];
  deny?: true;
}

/**
 * One kind of capability's rules, compiled once: in order, the first whose pattern matches the
 * name decides; no match falls to the upstream's `uncovered…` setting. Connect scopes are needed
 * for every request, so they are part of every decision's scopes.
 */
class CapabilityPolicy {
  private readonly rules: { match: RegExp; decision: PolicyDecision }[];
  private readonly uncovered: PolicyDecision;

  constructor(
    rules: readonly Rule[],
    uncovered: 'deny' | 'allow',
    connect: readonly string[],
    private readonly privileged: ReadonlySet<string>,
  ) {
    this.rules = rules.map((rule) => ({
      match: namePatternRegExp(rule.pattern),
      decision: rule.deny ? { kind: 'denied', why: 'rule' } : { kind: 'scopes', scopes: [...new Set([...connect, ...(rule.scopes ?? [])])] },
    }));
    this.uncovered = uncovered === 'allow' ? { kind: 'scopes', scopes: connect } : { kind: 'denied', why: 'uncovered' };
  }

  decide(name: string): PolicyDecision {
    for (const rule of this.rules) if (rule.match.test(name)) return rule.decision;
    return this.uncovered;
  }

  /**
   * Whether a listing shows it to this caller. Never one the policy denies, nor one needing a
   * scope this caller can never be granted: a machine client lacking it, or a privileged scope
   * not held (only trusted clients may hold those; the gateway cannot tell, so it assumes not).
   * One needing a scope a person could still consent to is listed, so the client has something
   * to step up for — unless the upstream chose `stepUpTools: hide`.
   */
  listable(name: string, caller: Caller, stepUp: 'show' | 'hide'): boolean {
    const decision = this.decide(name);
    if (decision.kind === 'denied') return false;
    const missing = decision.scopes.filter((s) => !caller.scopes.has(s));
    if (missing.length === 0) return true;
    if (caller.machine || stepUp === 'hide') return false;
    return missing.every((s) => !this.privileged.has(s));
  }
}

type PolicySource = Pick<
  UpstreamDeclaration,
  'tools' | 'uncoveredTools' | 'resources' | 'uncoveredResources' | 'prompts' | 'uncoveredPrompts' | 'connectScopes' | 'scopes' | 'stepUpTools'
>;

/** An upstream's whole policy: its tools, resources and prompts. */
export class UpstreamPolicy {
  private readonly byCapability: Record<Capability, CapabilityPolicy>;
  private readonly stepUp: 'show' | 'hide';

  constructor(upstream: PolicySource) {
    const privileged = new Set(upstream.scopes.filter((s) => s.privileged).map((s) => s.name));
    const connect = upstream.connectScopes;
    const compile = (rules: Rule[], uncovered: 'deny' | 'allow') => new CapabilityPolicy(rules, uncovered, connect, privileged);
    this.byCapability = {
      tool: compile(upstream.tools.map((r) => ({ ...r, pattern: r.tool })), upstream.uncoveredTools),
      resource: compile(upstream.resources.map((r) => ({ ...r, pattern: r.uri })), upstream.uncoveredResources),
      prompt: compile(upstream.prompts.map((r) => ({ ...r, pattern: r.prompt })), upstream.uncoveredPrompts),
    };
    this.stepUp = upstream.stepUpTools;
  }

  decide(capability: Capability, name: string): PolicyDecision {
    return this.byCapability[capability].decide(name);
  }

  listable(capability: Capability, name: string, caller: Caller): boolean {
    return this.byCapability[capability].listable(name, caller, this.stepUp);
  }
}

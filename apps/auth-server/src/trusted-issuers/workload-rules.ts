import type { JWTPayload } from 'jose';
import type { WorkloadRule } from '../config/trusted-issuers-file';

/**
 * Workload trust (MCP WIF, "Workload Trust Relationship"): the first rule whose subject and
 * extra claims all match the verified JWT decides the client. Claims are compared as exact
 * strings, never transcribed into the token (the draft's "Identity Translation" advice).
 */
export function matchWorkloadRule(rules: readonly WorkloadRule[], claims: JWTPayload & { sub: string }): WorkloadRule | undefined {
  return rules.find(
    (rule) =>
      (rule.sub !== undefined ? rule.sub === claims.sub : globMatches(rule.sub_pattern as string, claims.sub)) &&
      Object.entries(rule.claims ?? {}).every(([name, value]) => claims[name] === value),
  );
}

/** `*` matches any run of characters (including none); every other character is literal. */
export function globMatches(pattern: string, value: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const [first, ...rest] = parts;
  const last = rest.pop() as string;
  if (!value.startsWith(first) || !value.endsWith(last) || value.length < first.length + last.length) return false;
  // Greedy-free scan: each middle part at its first position after the previous one.
  let at = first.length;
  const end = value.length - last.length;
  for (const part of rest) {
    const found = value.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

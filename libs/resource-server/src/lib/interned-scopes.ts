import { parseScope } from '@portcullis/oauth';

/** Distinct `scope` claims remembered; a deployment mints a handful, so more are parsed each time. */
const MAX_DISTINCT = 1024;

/**
 * One frozen scope list per distinct `scope` claim (RFC 9068 §2.2.3). Tokens of one client
 * usually carry the same scopes, so the principals of many cached tokens share one list (and
 * the guard one expanded set per list) instead of each holding its own copy.
 */
export class InternedScopes {
  private readonly lists = new Map<string, readonly string[]>();

  /** The token's scopes, or undefined when the claim is not a well-formed scope string (RFC 6749 §3.3). */
  parse(claim: string | undefined): readonly string[] | undefined {
    const known = claim === undefined ? undefined : this.lists.get(claim);
    if (known) return known;
    const parsed = parseScope(claim);
    if (!parsed) return undefined;
    const list = Object.freeze(parsed);
    if (claim !== undefined && this.lists.size < MAX_DISTINCT) this.lists.set(claim, list);
    return list;
  }
}

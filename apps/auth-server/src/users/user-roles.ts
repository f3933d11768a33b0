import { ROLES } from '@portcullis/scopes';

/** Roles checked and put in a stable order: an unknown name is refused, naming it. */
export function checkRoles(roles: readonly string[]): string[] {
  const unknown = roles.find((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown !== undefined) throw new Error(`unknown role '${unknown.slice(0, 64)}' (known: ${ROLES.join(', ')})`);
  return [...new Set(roles)].sort();
}

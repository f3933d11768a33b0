import { z } from 'zod';
import { ROLES, RoleName } from '@portcullis/scopes';

export interface BootstrapUser {
  username: string;
  password: string;
  roles: RoleName[];
}

const FORMAT = 'expected "user:password[:admin],user2:password2" (a trailing ":admin" gives the admin role)';

/**
 * BOOTSTRAP_USERS: `user:password[:role],…`. The username ends at the first ':' and the
 * password runs to the end, so a password may contain ':' (not ','). A trailing `:<role>`
 * with a known role name (`admin`) is always read as the role: a password that itself ends
 * in ":admin" cannot be given here (create that person with `users:add` instead).
 */
export const bootstrapUsersSetting = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const users: BootstrapUser[] = [];
    for (const entry of (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      const user = parseEntry(entry);
      if (!user) {
        ctx.addIssue({ code: 'custom', message: FORMAT });
        return z.NEVER;
      }
      users.push(user);
    }
    return users;
  });

function parseEntry(entry: string): BootstrapUser | undefined {
  const i = entry.indexOf(':');
  if (i <= 0) return undefined;
  let password = entry.slice(i + 1);
  const roles: RoleName[] = [];
  const role = ROLES.find((r) => password.endsWith(`:${r}`));
  if (role) {
    roles.push(role);
    password = password.slice(0, -(role.length + 1));
  }
  if (password === '') return undefined;
  return { username: entry.slice(0, i), password, roles };
}

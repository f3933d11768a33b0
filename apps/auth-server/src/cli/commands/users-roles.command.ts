import { ROLES } from '@portcullis/scopes';
import { UserAccountsService } from '../../users/user-accounts.service';
import { UsersService } from '../../users/users.service';
import { CliCommand, CliInputError, CliUsageError, expectPositional, parseFlags } from '../cli-command';

export const usersRolesCommand: CliCommand = {
  name: 'users:roles',
  usage: 'users:roles <username> [--grant <role>]... [--revoke <role>]...',
  description: `Show a user's roles, or grant and revoke them (roles: ${ROLES.join(', ')}). A revoked admin loses the admin scopes at the next refresh.`,
  async run(context, args) {
    const { positional, flags } = parseFlags(args, { values: ['grant', 'revoke'] });
    const [username] = expectPositional(positional, ['<username>']);
    const grant = flags.get('grant') ?? [];
    const revoke = flags.get('revoke') ?? [];
    const unknown = [...grant, ...revoke].find((r) => !(ROLES as readonly string[]).includes(r));
    if (unknown !== undefined) throw new CliUsageError(`unknown role '${unknown}' (known: ${ROLES.join(', ')})`);
    const both = grant.find((r) => revoke.includes(r));
    if (both !== undefined) throw new CliUsageError(`role '${both}' is both granted and revoked`);
    const app = await context.app();
    const user = await app.get(UsersService).findByUsername(username);
    if (!user) throw new CliInputError(`no user '${username}'`);
    if (grant.length > 0 || revoke.length > 0) {
      const roles = [...user.roles.filter((r) => !revoke.includes(r)), ...grant];
      await app.get(UserAccountsService).setRoles(user, roles, { via: 'cli' });
    }
    process.stdout.write(`${user.username}: ${user.roles.length > 0 ? user.roles.join(' ') : '(no roles)'}\n`);
  },
};

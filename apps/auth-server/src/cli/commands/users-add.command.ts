import { Role } from '@portcullis/scopes';
import { UsersService } from '../../users/users.service';
import { CliCommand, CliInputError, expectPositional, parseFlags, readStdin } from '../cli-command';

export const usersAddCommand: CliCommand = {
  name: 'users:add',
  usage: 'users:add <username> [--admin] [--password-stdin]',
  description: 'Create a user who can log in. The password is read from standard input. --admin gives the admin role (admin:read, admin:write).',
  async run(context, args) {
    // --password-stdin is what happens anyway; accepted so scripts may say it.
    const { positional, flags } = parseFlags(args, { switches: ['password-stdin', 'admin'] });
    const [username] = expectPositional(positional, ['<username>']);
    const roles = flags.has('admin') ? [Role.Admin] : [];
    const password = await readStdin();
    const users = (await context.app()).get(UsersService);
    // Checked here too, so an existing name is told as an input mistake (exit 1), not a crash.
    if (await users.findByUsername(username)) throw new CliInputError(`user '${username}' already exists`);
    const user = await users.create({ username, password, roles, actor: { via: 'cli' } });
    process.stdout.write(`created user ${user.username} (${user.id})${roles.length > 0 ? ` with role ${roles.join(' ')}` : ''}\n`);
  },
};

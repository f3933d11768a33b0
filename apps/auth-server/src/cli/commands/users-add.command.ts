import { UsersService } from '../../users/users.service';
import { CliCommand, expectPositional, parseFlags, readStdin } from '../cli-command';

export const usersAddCommand: CliCommand = {
  name: 'users:add',
  usage: 'users:add <username> [--password-stdin]',
  description: 'Create a user who can log in. The password is read from standard input.',
  async run(context, args) {
    // --password-stdin is what happens anyway; accepted so scripts may say it.
    const { positional } = parseFlags(args, { switches: ['password-stdin'] });
    const [username] = expectPositional(positional, ['<username>']);
    const password = await readStdin();
    const user = await (await context.app()).get(UsersService).create(username, password);
    process.stdout.write(`created user ${user.username} (${user.id})\n`);
  },
};

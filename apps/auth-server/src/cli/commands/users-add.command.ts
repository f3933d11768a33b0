import { UsersService } from '../../users/users.service';
import { CliCommand, parseFlags, requireApp, readStdin } from '../cli-command';

export const usersAddCommand: CliCommand = {
  name: 'users:add',
  usage: 'users:add <username> [--password-stdin]',
  description: 'Create a user who can log in. The password is read from standard input.',
  async run(app, args) {
    const { positional } = parseFlags(args);
    const [username] = positional;
    if (!username) throw new Error('usage: users:add <username> (password on standard input)');
    const password = await readStdin();
    const user = await requireApp(app).get(UsersService).create(username, password);
    process.stdout.write(`created user ${user.username} (${user.id})\n`);
  },
};

import { SigningKeysService } from '../../keys/signing-keys.service';
import { CliCommand, CliUsageError, parseFlags } from '../cli-command';

export const keysRotateCommand: CliCommand = {
  name: 'keys:rotate',
  usage: 'keys:rotate',
  description:
    'Promote the published "next" signing key to active, retire the current one (still published until its tokens expire) and publish a new "next". Running servers pick it up within a minute.',
  async run(context, args) {
    const { positional } = parseFlags(args);
    if (positional.length > 0) throw new CliUsageError(`unexpected argument: ${positional.join(' ')}`);
    const { activeKid, nextKid } = await (await context.app()).get(SigningKeysService).rotate();
    process.stdout.write(`active key: ${activeKid}\nnext key (published, not yet signing): ${nextKid}\n`);
  },
};

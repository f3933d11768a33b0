import { SigningKeysService } from '../../keys/signing-keys.service';
import { CliCommand, expectPositional, parseFlags } from '../cli-command';

export const keysRotateCommand: CliCommand = {
  name: 'keys:rotate',
  usage: 'keys:rotate',
  description:
    'Promote the published "next" signing key to active, retire the current one (still published until its tokens expire) and publish a new "next". Running servers pick it up within a minute.',
  async run(context, args) {
    expectPositional(parseFlags(args).positional, []);
    const { activeKid, nextKid } = await (await context.app()).get(SigningKeysService).rotate();
    process.stdout.write(`active key: ${activeKid}\nnext key (published, not yet signing): ${nextKid}\n`);
  },
};

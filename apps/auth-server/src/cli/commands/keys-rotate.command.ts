import { SigningKeysService } from '../../keys/signing-keys.service';
import { CliCommand, CliInputError, expectPositional, parseFlags } from '../cli-command';

export const keysRotateCommand: CliCommand = {
  name: 'keys:rotate',
  usage: 'keys:rotate',
  description:
    'Promote the published "next" signing key to active, retire the current one (still published until its tokens expire) and publish a new "next". Running servers pick it up within a minute.',
  async run(context, args) {
    expectPositional(parseFlags(args).positional, []);
    const rotated = await (await context.app()).get(SigningKeysService).rotate();
    if (!rotated) throw new CliInputError('another process rotated the signing keys at the same moment; nothing changed here');
    process.stdout.write(`active key: ${rotated.activeKid}\nnext key (published, not yet signing): ${rotated.nextKid}\n`);
  },
};

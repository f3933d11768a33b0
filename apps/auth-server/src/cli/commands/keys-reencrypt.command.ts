import { SigningKeysService } from '../../keys/signing-keys.service';
import { CliCommand, CliInputError, expectPositional, parseFlags } from '../cli-command';

export const keysReencryptCommand: CliCommand = {
  name: 'keys:reencrypt',
  usage: 'keys:reencrypt',
  description:
    'Seal every signing key under KEYS_ENCRYPTION_KEY: plain keys and keys sealed under KEYS_ENCRYPTION_KEY_PREVIOUS (the second step of a KEK rotation; a server start does the same).',
  async run(context, args) {
    expectPositional(parseFlags(args).positional, []);
    if (!context.config.keysEncryptionKey) throw new CliInputError('KEYS_ENCRYPTION_KEY (or KEYS_ENCRYPTION_KEY_FILE) is not set: nothing to seal the keys with');
    const keys = (await context.app()).get(SigningKeysService);
    // Starting the application already re-sealed what needed it; this pass reports and catches any key written since.
    const count = await keys.reencryptAll();
    process.stdout.write(`every signing key is sealed under key-encryption key ${keys.keyEncryptionKeyId}${count > 0 ? ` (${count} re-sealed now)` : ''}\n`);
  },
};

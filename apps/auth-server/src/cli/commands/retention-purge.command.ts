import { describePurge, Purger } from '@portcullis/database';
import { CliCommand, CliUsageError, parseFlags } from '../cli-command';

export const retentionPurgeCommand: CliCommand = {
  name: 'retention:purge',
  usage: 'retention:purge',
  description:
    'Delete expired codes, tokens, grants, interactions, sessions and replay entries now — what the server does every PURGE_INTERVAL_SECONDS — and print the counts.',
  async run(context, args) {
    const { positional } = parseFlags(args);
    if (positional.length > 0) throw new CliUsageError(`unexpected argument: ${positional.join(' ')}`);
    const counts = await (await context.app()).get(Purger).purge();
    if (!counts) process.stdout.write('another process is purging this database now; nothing done\n');
    else process.stdout.write(`${Object.keys(counts).length > 0 ? describePurge(counts) : 'nothing to purge'}\n`);
  },
};

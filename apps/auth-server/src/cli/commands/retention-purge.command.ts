import { describePurge, Purger } from '@portcullis/database';
import { CliCommand, expectPositional, parseFlags } from '../cli-command';

export const retentionPurgeCommand: CliCommand = {
  name: 'retention:purge',
  usage: 'retention:purge',
  description:
    'Delete expired codes, tokens, grants, interactions, sessions and replay entries now — what the server does every PURGE_INTERVAL_SECONDS — and print the counts.',
  async run(context, args) {
    expectPositional(parseFlags(args).positional, []);
    const counts = await (await context.app()).get(Purger).purge();
    if (!counts) process.stdout.write('another process is purging this database now; nothing done\n');
    else process.stdout.write(`${Object.keys(counts).length > 0 ? describePurge(counts) : 'nothing to purge'}\n`);
  },
};

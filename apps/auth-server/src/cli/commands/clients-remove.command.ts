import { ClientsService } from '../../clients/clients.service';
import { CliCommand, CliInputError, expectPositional, parseFlags } from '../cli-command';

export const clientsRemoveCommand: CliCommand = {
  name: 'clients:remove',
  usage: 'clients:remove <client_id>',
  description:
    'Delete a registered client, as RFC 7592 §2.3 deprovisioning does: its grants are revoked (with their events), its id, secret and registration token stop working.',
  async run(context, args) {
    const { positional } = parseFlags(args);
    const [clientId] = expectPositional(positional, ['<client_id>']);
    const clients = (await context.app()).get(ClientsService);
    if (!(await clients.exists(clientId))) throw new CliInputError(`no client '${clientId}'`);
    await clients.remove(clientId);
    process.stdout.write(`removed client ${clientId}\n`);
  },
};

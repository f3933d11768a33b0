import { Controller, Header } from '@nestjs/common';
import type { EventActor } from '../../audit/event-actor';
import { AdminEndpoint } from '../routes/admin-route';
import { Actor, AdminInput, Input } from '../routes/admin-input';
import type { PageQuery } from '../routes/paging';
import { AdminClientsService, clientView } from './admin-clients.service';
import { CLIENT_ROUTES, NewClientBody } from './admin-clients.routes';

type ById = AdminInput<{ client_id: string }>;

/** /admin/clients: see, create, disable, re-key and delete clients (admin-clients.routes.ts). */
@Controller()
export class AdminClientsController {
  constructor(private readonly clients: AdminClientsService) {}

  @AdminEndpoint(CLIENT_ROUTES.list)
  list(@Input() input: AdminInput<never, PageQuery>) {
    return this.clients.list(input.query);
  }

  @AdminEndpoint(CLIENT_ROUTES.get)
  async get(@Input() input: ById) {
    return clientView(await this.clients.get(input.params.client_id));
  }

  @AdminEndpoint(CLIENT_ROUTES.create)
  @Header('cache-control', 'no-store')
  async create(@Input() input: AdminInput<never, never, NewClientBody>) {
    const { client, clientSecret } = await this.clients.create(input.body);
    return { ...clientView(client), ...(clientSecret ? { client_secret: clientSecret } : {}) };
  }

  @AdminEndpoint(CLIENT_ROUTES.disable)
  async disable(@Input() input: ById, @Actor() actor: EventActor) {
    return clientView(await this.clients.disable(input.params.client_id, actor));
  }

  @AdminEndpoint(CLIENT_ROUTES.enable)
  async enable(@Input() input: ById, @Actor() actor: EventActor) {
    return clientView(await this.clients.enable(input.params.client_id, actor));
  }

  @AdminEndpoint(CLIENT_ROUTES.rotateSecret)
  @Header('cache-control', 'no-store')
  async rotateSecret(@Input() input: ById, @Actor() actor: EventActor) {
    const { client, clientSecret } = await this.clients.rotateSecret(input.params.client_id, actor);
    return { ...clientView(client), client_secret: clientSecret };
  }

  @AdminEndpoint(CLIENT_ROUTES.remove)
  async remove(@Input() input: ById, @Actor() actor: EventActor): Promise<void> {
    await this.clients.remove(input.params.client_id, actor);
  }
}

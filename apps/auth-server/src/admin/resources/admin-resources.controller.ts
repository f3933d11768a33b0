import { Controller } from '@nestjs/common';
import { roleForScope } from '@portcullis/scopes';
import { ResourceRegistry } from '../../resources/resource-registry';
import { ScopeDirectory } from '../../resources/scope-directory';
import { AdminEndpoint } from '../routes/admin-route';
import { RESOURCE_ROUTES } from './admin-resources.routes';

/** /admin/resources: the resource registry and scope directory, as the consent page reads them. */
@Controller()
export class AdminResourcesController {
  constructor(
    private readonly resources: ResourceRegistry,
    private readonly scopes: ScopeDirectory,
  ) {}

  @AdminEndpoint(RESOURCE_ROUTES.list)
  list() {
    const items = this.resources.all().map((r) => ({
      resource: r.identifier,
      kind: r.kind,
      scopes: r.scopes.map((name) => ({
        name,
        description: this.scopes.find(name)?.description ?? name,
        privileged: r.privilegedScopes.includes(name),
        role: roleForScope(name) ?? null,
      })),
    }));
    return { items };
  }
}

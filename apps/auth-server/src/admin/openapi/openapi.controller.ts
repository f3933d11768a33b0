import { Controller, Header, Inject } from '@nestjs/common';
import { AUTH_CONFIG, AuthConfig } from '../../config/auth-config';
import { adminResourceMetadataUrl } from '../access/admin-bearer.providers';
import { ADMIN_ROUTES } from '../admin-routes';
import { AdminEndpoint } from '../routes/admin-route';
import { openApiDocument } from './openapi-document';
import { OPENAPI_ROUTES } from './openapi.routes';

/** GET /admin/openapi.json: the admin API described from its own route table. */
@Controller()
export class OpenApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.document = openApiDocument(ADMIN_ROUTES, config.issuerUrl, adminResourceMetadataUrl(config.issuerUrl));
  }

  @AdminEndpoint(OPENAPI_ROUTES.document)
  @Header('cache-control', 'public, max-age=300')
  get() {
    return this.document;
  }
}

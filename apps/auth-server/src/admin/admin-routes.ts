import type { AdminRoute } from './routes/admin-route';
import { CLIENT_ROUTES } from './clients/admin-clients.routes';
import { USER_ROUTES } from './users/admin-users.routes';
import { GRANT_ROUTES } from './grants/admin-grants.routes';
import { KEY_ROUTES } from './keys/admin-keys.routes';
import { RESOURCE_ROUTES } from './resources/admin-resources.routes';
import { OPENAPI_ROUTES } from './openapi/openapi.routes';

/**
 * Every admin route, from the same objects the controllers register (AdminEndpoint): what
 * the OpenAPI document describes. A test checks that each route the server answers is here.
 */
export const ADMIN_ROUTES: readonly AdminRoute[] = [CLIENT_ROUTES, USER_ROUTES, GRANT_ROUTES, KEY_ROUTES, RESOURCE_ROUTES, OPENAPI_ROUTES].flatMap((group) => Object.values(group));

import { z } from 'zod';
import type { AdminRoute } from '../routes/admin-route';

type Json = Record<string, unknown>;

const errorBody = z.object({ error: z.string(), error_description: z.string() });

/** A zod schema as OpenAPI 3.1's JSON Schema (draft 2020-12): the input side for requests. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return json;
}

function parameters(route: AdminRoute): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = property as Json;
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: rest, ...(description ? { description } : {}) });
    }
  }
  return out;
}

function responses(route: AdminRoute): Json {
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  const ok = route.response
    ? { description: 'Success', content: { 'application/json': { schema: schemaOf(route.response, 'output') } } }
    : { description: 'Done (no content)' };
  const out: Json = { [route.status]: ok };
  if (route.params || route.query || route.body) out['400'] = error('invalid_request: the input, naming the field');
  if (route.scope !== null) {
    out['401'] = error('No token, or one that is invalid, expired, revoked or for another resource (WWW-Authenticate names the resource metadata)');
    out['403'] = error(`insufficient_scope: the token lacks ${route.scope}`);
  }
  if (route.params) out['404'] = error('not_found');
  return out;
}

/**
 * OpenAPI 3.1 for the admin API, built from the route table (admin-routes.ts) and its zod
 * schemas (`z.toJSONSchema`): nothing is described here that the code does not register.
 */
export function openApiDocument(routes: readonly AdminRoute[], issuer: string, resourceMetadataUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const operation: Json = {
      summary: route.summary,
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      security: route.scope === null ? [] : [{ admin: [route.scope] }],
      parameters: parameters(route),
      responses: responses(route),
    };
    if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Portcullis admin API',
      version: '1',
      description: `Bearer tokens for the resource ${issuer}/admin (RFC 8707), scopes admin:read and admin:write, issued to trusted clients for people with the admin role. Resource metadata (RFC 9728): ${resourceMetadataUrl}`,
    },
    servers: [{ url: issuer }],
    paths,
    components: {
      schemas: { Error: schemaOf(errorBody, 'output') },
      securitySchemes: {
        admin: {
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: `${issuer}/authorize`,
              tokenUrl: `${issuer}/token`,
              refreshUrl: `${issuer}/token`,
              scopes: { 'admin:read': 'See everything', 'admin:write': 'Change things (does not include admin:read)' },
            },
          },
        },
      },
    },
  };
}

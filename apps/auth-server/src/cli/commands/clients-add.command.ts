import { OAuthError } from '@portcullis/oauth';
import { ClientRegistrar } from '../../clients/client-registrar';
import { clientMetadataResponse } from '../../clients/metadata/client-metadata.mapper';
import { validateClientMetadata } from '../../clients/metadata/client-metadata.validator';
import { ResourceRegistry } from '../../resources/resource-registry';
import { ScopeDirectory } from '../../resources/scope-directory';
import { CliCommand, CliInputError, CliUsageError, expectPositional, parseFlags } from '../cli-command';

/** Flags that carry one RFC 7591 metadata string each. */
const SINGLE_FLAGS: Record<string, string> = {
  name: 'client_name',
  'auth-method': 'token_endpoint_auth_method',
  'application-type': 'application_type',
  scope: 'scope',
  'client-uri': 'client_uri',
  'logo-uri': 'logo_uri',
  'jwks-uri': 'jwks_uri',
  'resource-server': 'resource_server',
};
const FLAGS = { values: [...Object.keys(SINGLE_FLAGS), 'redirect-uri', 'grant-type', 'client-id'], switches: ['trusted'] };

export const clientsAddCommand: CliCommand = {
  name: 'clients:add',
  usage:
    'clients:add --name <name> [--redirect-uri <uri>]... [--grant-type <type>]... [--scope "<scopes>"] [--auth-method <method>] [--application-type web|native] [--jwks-uri <url>] [--resource-server <resource-url>] [--trusted] [--client-id <id>]',
  description:
    'Pre-register a client. Prints its metadata as JSON, with the client secret (shown this once). --trusted lets it use client_credentials and hold privileged scopes. --resource-server makes it the resource server of that resource: it may introspect tokens issued for it, and only those.',
  async run(context, args) {
    const { positional, flags } = parseFlags(args, FLAGS);
    expectPositional(positional, []);
    const raw: Record<string, unknown> = {};
    for (const [flag, field] of Object.entries(SINGLE_FLAGS)) {
      const values = flags.get(flag);
      if (values && values.length > 1) throw new CliUsageError(`--${flag} may be given once`);
      if (values) raw[field] = values[0];
    }
    if (flags.has('redirect-uri')) raw.redirect_uris = flags.get('redirect-uri');
    if (flags.has('grant-type')) raw.grant_types = flags.get('grant-type');
    const trusted = flags.get('trusted')?.[0] === 'true';
    const clientId = flags.get('client-id')?.[0];
    if ((flags.get('client-id')?.length ?? 0) > 1) throw new CliUsageError('--client-id may be given once');
    const app = await context.app();

    let metadata;
    try {
      const resources = app.get(ResourceRegistry).all().map((r) => r.identifier);
      const scopes = app.get(ScopeDirectory);
      metadata = validateClientMetadata(raw, { source: 'preregistered', trusted, resources, findScope: (name) => scopes.find(name) });
    } catch (err) {
      if (err instanceof OAuthError) throw new CliInputError(`${err.error}: ${err.description}`);
      throw err;
    }
    const created = await app.get(ClientRegistrar).create({ metadata, trusted, origin: 'preregistered', channel: 'cli', clientId });
    const out = {
      ...clientMetadataResponse(created.client),
      ...(created.clientSecret ? { client_secret: created.clientSecret } : {}),
      trusted: created.client.trusted,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  },
};

import { parseRequest } from '@portcullis/oauth';
import type { ClientMetadata, MetadataPolicy } from './client-metadata';
import { CLIENT_METADATA_ERRORS, clientMetadataSchema } from './client-metadata.schema';

export { usesClientSecret } from './client-metadata.schema';
export { MAX_CLIENT_NAME_LENGTH, MAX_REDIRECT_URIS } from './client-metadata-fields';
export type { ClientMetadata, GrantType, MetadataPolicy, MetadataSource } from './client-metadata';

/**
 * Reads client metadata through its schema (client-metadata.schema.ts) for the given policy:
 * the validated metadata, or `invalid_redirect_uri` / `invalid_client_metadata` naming the
 * field and the reason (RFC 7591 §3.2.2).
 */
export function validateClientMetadata(input: unknown, policy: MetadataPolicy): ClientMetadata {
  return parseRequest(clientMetadataSchema(policy), input, CLIENT_METADATA_ERRORS);
}

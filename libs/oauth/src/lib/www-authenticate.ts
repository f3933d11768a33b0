/**
 * Builds a `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3) with the
 * `resource_metadata` parameter of RFC 9728 §5.1 and the `scope` a client needs (MCP
 * authorization, "Scope Selection Strategy"). Quoted values are escaped per RFC 9110 §5.6.4.
 */
export interface BearerChallenge {
  resourceMetadata: string;
  scope?: string[];
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  errorDescription?: string;
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')}"`;
}

export function bearerChallenge(challenge: BearerChallenge): string {
  const params: string[] = [];
  if (challenge.error) params.push(`error=${quote(challenge.error)}`);
  if (challenge.errorDescription) params.push(`error_description=${quote(challenge.errorDescription)}`);
  if (challenge.scope && challenge.scope.length > 0) params.push(`scope=${quote(challenge.scope.join(' '))}`);
  params.push(`resource_metadata=${quote(challenge.resourceMetadata)}`);
  return `Bearer ${params.join(', ')}`;
}

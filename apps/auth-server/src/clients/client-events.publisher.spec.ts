import { clientRegisteredData, clientRegistrationRejectedData, EventType } from '@portcullis/contracts';
import { InvalidClientMetadata } from '@portcullis/oauth';
import { AuditTrail } from '../audit/audit-trail';
import { ClientEventsPublisher } from './client-events.publisher';
import { toClientEntity } from './metadata/client-metadata.mapper';
import { validateClientMetadata } from './metadata/client-metadata.validator';

type Recorded = Parameters<AuditTrail['record']>[0];

/** Stands in for the events pipeline: keeps what would be published. */
function recordingTrail(): { trail: AuditTrail; records: Recorded[] } {
  const records: Recorded[] = [];
  const trail = { record: async (event: Recorded) => void records.push(event) } as unknown as AuditTrail;
  return { trail, records };
}

describe('ClientEventsPublisher', () => {
  it('publishes events that satisfy the contract schemas and carry no secret', async () => {
    const { trail, records } = recordingTrail();
    const events = new ClientEventsPublisher(trail);
    const metadata = validateClientMetadata(
      { client_name: 'Robot', grant_types: ['client_credentials'], scope: 'audit:read' },
      { source: 'preregistered', trusted: true },
    );
    const client = toClientEntity(metadata, {
      clientId: 'robot',
      trusted: true,
      origin: 'preregistered',
      secretHash: 'c2VjcmV0LWRpZ2VzdA',
      registrationTokenHash: 'dG9rZW4tZGlnZXN0',
      createdAt: Date.now(),
    });
    await events.registered(client, 'cli');
    await events.rejected(new InvalidClientMetadata('no'), { clientName: 'Robot' });

    expect(records.map((r) => r.type)).toEqual([EventType.ClientRegistered, EventType.ClientRegistrationRejected]);
    expect(clientRegisteredData.parse(records[0].data)).toMatchObject({ client_id: 'robot', registration: 'cli', trusted: true, scopes: ['audit:read'] });
    expect(clientRegistrationRejectedData.parse(records[1].data)).toEqual({ error: 'invalid_client_metadata', error_description: 'no', client_name: 'Robot' });
    expect(JSON.stringify(records)).not.toMatch(/c2VjcmV0LWRpZ2VzdA|dG9rZW4tZGlnZXN0/);
  });
});

import { clientRegisteredData, clientRegistrationRejectedData, EventType } from '@portcullis/contracts';
import { InvalidClientMetadata } from '@portcullis/oauth';
import { AuditRecord, AuditTrail } from '../audit/audit-trail';
import { ClientEventsPublisher } from './client-events.publisher';
import { toClientEntity } from './metadata/client-metadata.mapper';
import { validateClientMetadata } from './metadata/client-metadata.validator';

class RecordingTrail extends AuditTrail {
  readonly records: AuditRecord[] = [];
  override record(event: AuditRecord): void {
    this.records.push(event);
  }
}

describe('ClientEventsPublisher', () => {
  it('publishes events that satisfy the contract schemas and carry no secret', () => {
    const trail = new RecordingTrail();
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
    events.registered(client, 'cli');
    events.rejected(new InvalidClientMetadata('no'), { clientName: 'Robot' });

    expect(trail.records.map((r) => r.type)).toEqual([EventType.ClientRegistered, EventType.ClientRegistrationRejected]);
    expect(clientRegisteredData.parse(trail.records[0].data)).toMatchObject({ client_id: 'robot', registration: 'cli', trusted: true, scopes: ['audit:read'] });
    expect(clientRegistrationRejectedData.parse(trail.records[1].data)).toEqual({ error: 'invalid_client_metadata', error_description: 'no', client_name: 'Robot' });
    expect(JSON.stringify(trail.records)).not.toMatch(/c2VjcmV0LWRpZ2VzdA|dG9rZW4tZGlnZXN0/);
  });
});

import { DataSource } from 'typeorm';
import { EventType } from '@portcullis/contracts';
import { runInRequestContext } from '@portcullis/http';
import { AuditEvents } from './audit-events';

/** `create` touches no database: a DataSource never initialised is enough. */
const events = new AuditEvents(new DataSource({ type: 'better-sqlite3', database: ':memory:' }), { source: '/test/audit-events', relay: false });
const called = { tool: 'add', outcome: 'success', duration_ms: 1, client_id: 'svc', subject: 'svc', jti: 'jti-1' } as const;

describe('AuditEvents.create: the requestid attribute (docs/events.md)', () => {
  it('carries an explicit request id (a service that hands ids on itself, never entering the request context)', () => {
    expect(events.create(EventType.McpToolCalled, called, 'jti-1', 'req-explicit-1').requestid).toBe('req-explicit-1');
  });

  it('else takes the id of the request context it is made in, and has none outside a request', () => {
    expect(runInRequestContext({ requestId: 'req-context-1' }, () => events.create(EventType.McpToolCalled, called).requestid)).toBe('req-context-1');
    expect(events.create(EventType.McpToolCalled, called)).not.toHaveProperty('requestid');
  });

  it('prefers the explicit id to the context', () => {
    expect(runInRequestContext({ requestId: 'req-context-2' }, () => events.create(EventType.McpToolCalled, called, undefined, 'req-explicit-2').requestid)).toBe('req-explicit-2');
  });
});

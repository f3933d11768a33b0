import { EventContractError, type EventData, type EventTypeName } from '@portcullis/contracts';
import type { AuditEvents, EmitOptions } from './audit-events';

/** Stands in for caller text the event contract refused (e.g. a tool name shaped like a JWT). */
export const WITHHELD = '(withheld)';

/**
 * The fields of a producer's events that carry what a caller wrote, each with a test of whether
 * a value is the producer's own (its own method or tool names), which is never withheld.
 */
export type CallerTextFields = Readonly<Record<string, (value: unknown) => boolean>>;

/**
 * Records one event about a request and never throws: the request is answered the same
 * whatever happens here. When the contract refuses the event, the caller's own text is what it
 * can have refused, so the event is recorded once more with that text replaced by WITHHELD: a
 * hostile value cannot suppress the record of its own request. Any other failure is reported
 * to `log`, with the event type and never the data.
 */
export async function emitWithholding<T extends EventTypeName>(
  events: Pick<AuditEvents, 'emit'>,
  event: { type: T; data: EventData<T>; options?: EmitOptions },
  callerText: CallerTextFields,
  log: (message: string) => void,
): Promise<void> {
  const { type, data, options = {} } = event;
  const failed = (err: unknown) => log(`could not record an audit event ${type}: ${err instanceof Error ? err.message : String(err)}`);
  try {
    await events.emit(type, data, options);
    return;
  } catch (err) {
    if (!(err instanceof EventContractError)) {
      failed(err);
      return;
    }
  }
  const withheld: Record<string, unknown> = { ...data };
  for (const [field, isOwn] of Object.entries(callerText)) if (field in withheld && !isOwn(withheld[field])) withheld[field] = WITHHELD;
  try {
    await events.emit(type, withheld as EventData<T>, options);
  } catch (err) {
    failed(err);
  }
}

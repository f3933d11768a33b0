import type { CloudEventEnvelope } from '@portcullis/contracts';

/**
 * The outbox's part of a PostgreSQL statement of the caller's — a data-modifying WITH that
 * records a change and its events together, in one round trip and one commit. The caller
 * gets a CTE body and the parameters it expects; the outbox table itself (name, columns)
 * stays known to this library alone.
 */

const INSERT = 'INSERT INTO "event_outbox" ("id", "type", "payload", "created_at")';

/**
 * One event, written once per row of `from` (a CTE that yields a row only when the change
 * happened, so an event exists if and only if its change does). Its values are parameters
 * `$first…$first+3`: {@link outboxEventParams}.
 */
export function outboxInsertPerRow(from: string, first: number): string {
  const p = (i: number, type: string) => `$${first + i}::${type}`;
  return `${INSERT} SELECT ${p(0, 'varchar')}, ${p(1, 'varchar')}, ${p(2, 'text')}, ${p(3, 'bigint')} FROM ${from}`;
}

/** The parameters of {@link outboxInsertPerRow} for `event`: one outbox row's values, in column order. */
export function outboxEventParams(event: CloudEventEnvelope, now = Date.now()): [string, string, string, number] {
  return [event.id, event.type, JSON.stringify(event), now];
}

/**
 * Several events, each under a key, written for exactly the keys found in column `key` of
 * `from` (a statement that makes many changes, some of which may not happen). The events are
 * parameters `$first…$first+4` (arrays, so the text is the same however many there are):
 * {@link outboxKeyedEventParams}.
 */
export function outboxInsertKeyed(from: string, key: string, first: number): string {
  const p = (i: number, type: string) => `$${first + i}::${type}`;
  return (
    `${INSERT} SELECT e."id", e."type", e."payload", ${p(4, 'bigint')} ` +
    `FROM unnest(${p(0, 'varchar[]')}, ${p(1, 'varchar[]')}, ${p(2, 'varchar[]')}, ${p(3, 'text[]')}) AS e("key", "id", "type", "payload") ` +
    `JOIN ${from} ON ${from}.${key} = e."key"`
  );
}

/** The parameters of {@link outboxInsertKeyed}: one event per key. */
export function outboxKeyedEventParams(events: readonly { key: string; event: CloudEventEnvelope }[], now = Date.now()): unknown[] {
  const rows = events.map((e) => outboxEventParams(e.event, now));
  return [events.map((e) => e.key), rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), now];
}

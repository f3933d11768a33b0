import { ColumnOptions } from 'typeorm';

/**
 * Instants are stored as epoch milliseconds in a BIGINT on both PostgreSQL and SQLite, so
 * comparisons are plain integer comparisons everywhere. `pg` returns BIGINT as a string; the
 * transformer turns it back into a number (safe: epoch ms stays far below 2^53).
 */
export function epochColumn(options: { nullable?: boolean } = {}): ColumnOptions {
  return {
    type: 'bigint',
    nullable: options.nullable ?? false,
    transformer: {
      to: (v: number | null | undefined) => v,
      from: (v: string | number | null) => (v === null || v === undefined ? null : Number(v)),
    },
  };
}

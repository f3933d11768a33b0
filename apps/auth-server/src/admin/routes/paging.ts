import { z } from 'zod';
import { InvalidRequest } from '@portcullis/oauth';

/** `?q=&cursor=&limit=` of every list: a search text, the cursor of the last page, a page size. */
export const pageQuery = z.strictObject({
  q: z.string().max(128).optional().describe('Text contained in the identifier or name (case-insensitive)'),
  cursor: z.string().max(512).optional().describe('next_cursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size (1-200, default 50)'),
});
export type PageQuery = z.infer<typeof pageQuery>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last') });
}

/** The cursor is the last key of the page, base64url: opaque to callers, stable under inserts. */
export function encodeCursor(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (key === '' || encodeCursor(key) !== cursor) throw new InvalidRequest('query.cursor: not a cursor this API gave out');
  return key;
}

/** A LIKE pattern matching `q` anywhere, with LIKE's own wildcards taken literally (ESCAPE '\'). */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One more row than the page is read, to know whether a next page exists. */
export function toPage<Row, Item>(rows: Row[], limit: number, key: (row: Row) => string, view: (row: Row) => Item): { items: Item[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items: page.map(view), next_cursor: more && page.length > 0 ? encodeCursor(key(page[page.length - 1])) : null };
}

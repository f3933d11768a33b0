import { containsPattern, decodeCursor, encodeCursor, pageQuery, toPage } from './paging';

describe('admin list paging', () => {
  it('gives back the key a cursor was made from, and refuses one it did not make', () => {
    expect(decodeCursor(encodeCursor('client/ü 1'))).toBe('client/ü 1');
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(() => decodeCursor('not a cursor')).toThrow(/query\.cursor/);
    expect(() => decodeCursor('')).toThrow(/query\.cursor/);
  });

  it("takes LIKE's wildcards in q literally", () => {
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });

  it('reads one row past the page to know whether another page follows', () => {
    const rows = ['a', 'b', 'c'];
    expect(toPage(rows, 2, (r) => r, (r) => r.toUpperCase())).toEqual({ items: ['A', 'B'], next_cursor: encodeCursor('b') });
    expect(toPage(rows, 3, (r) => r, (r) => r)).toEqual({ items: rows, next_cursor: null });
  });

  it('caps the page size and names unknown parameters', () => {
    expect(pageQuery.parse({}).limit).toBe(50);
    expect(pageQuery.safeParse({ limit: '201' }).success).toBe(false);
    expect(pageQuery.safeParse({ q: 'x'.repeat(129) }).success).toBe(false);
    expect(pageQuery.safeParse({ sort: 'name' }).success).toBe(false);
  });
});

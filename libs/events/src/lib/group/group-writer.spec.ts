import { GroupWriter } from './group-writer';

/** A write whose completion the test controls, recording the groups it was given. */
function controlledWrite() {
  const groups: number[][] = [];
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const write = (items: number[]) => {
    groups.push(items);
    return new Promise<string[]>((resolve, reject) => {
      pending.push({ resolve: () => resolve(items.map((i) => `r${i}`)), reject });
    });
  };
  return { groups, pending, write };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupWriter', () => {
  it('writes what one turn submits as one group, and what comes meanwhile as the next', async () => {
    const w = controlledWrite();
    const writer = new GroupWriter(w.write, 100);
    const first = [1, 2, 3].map((i) => writer.submit(i));
    await tick();
    expect(w.groups).toEqual([[1, 2, 3]]);

    const second = [4, 5].map((i) => writer.submit(i));
    await tick();
    expect(w.groups).toHaveLength(1); // one group in flight at a time
    w.pending[0].resolve();
    expect(await Promise.all(first)).toEqual(['r1', 'r2', 'r3']);
    await tick();
    expect(w.groups).toEqual([[1, 2, 3], [4, 5]]);
    w.pending[1].resolve();
    expect(await Promise.all(second)).toEqual(['r4', 'r5']);
  });

  it('fails exactly the items of a failed group', async () => {
    const w = controlledWrite();
    const writer = new GroupWriter(w.write, 100);
    const failing = writer.submit(1);
    await tick();
    const later = writer.submit(2);
    w.pending[0].reject(new Error('database away'));
    await expect(failing).rejects.toThrow('database away');
    await tick();
    w.pending[1].resolve();
    await expect(later).resolves.toBe('r2');
  });

  it('keeps groups within the maximum and calls afterGroup once drained', async () => {
    const groups: number[][] = [];
    let drained = 0;
    const writer = new GroupWriter(
      async (items: number[]) => {
        groups.push(items);
        return items;
      },
      2,
      () => (drained += 1),
    );
    expect(await Promise.all([1, 2, 3, 4, 5].map((i) => writer.submit(i)))).toEqual([1, 2, 3, 4, 5]);
    expect(groups).toEqual([[1, 2], [3, 4], [5]]);
    expect(drained).toBe(1);
  });
});

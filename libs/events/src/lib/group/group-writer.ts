/**
 * Group commit: callers submit items one by one and each waits for its own result, while the
 * items are written in groups — one group in flight at a time. Whatever is submitted while a
 * group is being written gathers and goes together in the next, so under load each statement
 * (and each commit) carries many items, and when idle an item is written at once.
 *
 * `write` returns one result per item, in order; if it throws, every item of that group
 * fails with the error, and only those.
 */
export class GroupWriter<T, R> {
  private queue: { item: T; resolve: (result: R) => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;
  private writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxGroup: number,
    private readonly afterGroup: () => void = () => undefined,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled && !this.writing) {
        this.scheduled = true;
        // Everything submitted in this turn of the event loop goes in the first group.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.maxGroup);
        try {
          const results = await this.write(group.map((w) => w.item));
          group.forEach((w, i) => w.resolve(results[i]));
        } catch (err) {
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
    this.afterGroup();
  }
}

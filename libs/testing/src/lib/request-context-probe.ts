import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { Writable } from 'node:stream';

/** A log stream that keeps every JSON line written to it, parsed: for a test to read a service's lines. */
export function memoryLog(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { stream, lines };
}

/**
 * Counts what starts AsyncLocalStorage's cost on Node 20 while it is installed: entering a store
 * (`run`, `enterWith`) and enabling any async hook (the storage's own is one, enabled by its
 * first `run`; OpenTelemetry's context manager is another). The originals are still called: it
 * only counts. A service that hands request ids on explicitly (libs/http `requestContext:
 * 'explicit'`) must count none while it handles requests.
 */
export function asyncContextProbe(): { calls(): number; restore(): void } {
  const hookPrototype = Object.getPrototypeOf(createHook({})) as Record<string, unknown>;
  const storagePrototype = AsyncLocalStorage.prototype as unknown as Record<string, unknown>;
  const targets: [Record<string, unknown>, string][] = [
    [storagePrototype, 'run'],
    [storagePrototype, 'enterWith'],
    [hookPrototype, 'enable'],
  ];
  let calls = 0;
  const originals = targets.map(([owner, name]) => {
    const original = owner[name] as (...args: unknown[]) => unknown;
    owner[name] = function counted(this: unknown, ...args: unknown[]) {
      calls++;
      return original.apply(this, args);
    };
    return original;
  });
  return {
    calls: () => calls,
    restore: () => targets.forEach(([owner, name], i) => (owner[name] = originals[i])),
  };
}

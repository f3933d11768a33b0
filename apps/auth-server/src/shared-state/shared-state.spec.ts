import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@portcullis/testing';
import { authDataSourceOptions } from '../database/data-source-options';
import { MemoryState } from './memory-state';
import { RedisState } from './redis-state';
import type { CounterStore, UseOnceLedger } from './shared-state';
import { SqlState } from './sql-state';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

type State = UseOnceLedger & CounterStore;

interface Engine {
  /** Two handles on one store, as two replicas hold them (memory: the same object). */
  open(): Promise<[State, State]>;
  close(): Promise<void>;
}

function memory(): Engine {
  return {
    async open() {
      const state = new MemoryState();
      return [state, state];
    },
    close: () => Promise.resolve(),
  };
}

function sql(engine: 'sqlite' | 'postgres'): Engine {
  const sources: DataSource[] = [];
  let pg: TestDatabase | undefined;
  let dir: string | undefined;
  return {
    async open() {
      if (engine === 'postgres') pg = await createTestDatabase('portcullis_shared_state');
      else dir = mkdtempSync(join(tmpdir(), 'shared-state-'));
      // Two data sources on one database: two replicas (on SQLite, two connections to one file).
      for (let i = 0; i < 2; i++) {
        const ds = new DataSource(authDataSourceOptions({ databaseUrl: pg?.url, sqlitePath: join(dir ?? '', 'auth.sqlite') }));
        await ds.initialize();
        sources.push(ds);
      }
      return [new SqlState(sources[0]), new SqlState(sources[1])];
    },
    async close() {
      for (const ds of sources) await ds.destroy();
      await pg?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function redis(): Engine {
  const states: RedisState[] = [];
  return {
    async open() {
      const prefix = `portcullis:test:${randomBytes(4).toString('hex')}:`;
      for (let i = 0; i < 2; i++) {
        const state = new RedisState(REDIS_URL, prefix, (m) => {
          throw new Error(m);
        });
        await state.connect();
        states.push(state);
      }
      return [states[0], states[1]];
    },
    async close() {
      for (const s of states) await s.close();
    },
  };
}

const engines: [string, () => Engine][] = [
  ['memory', memory],
  ['SQLite', () => sql('sqlite')],
  ['PostgreSQL', () => sql('postgres')],
  ['Redis', redis],
];

describe.each(engines)('shared state on %s', (_name, make) => {
  const engine = make();
  let a: State;
  let b: State;
  const t0 = Date.now();
  /** Unique keys per test, so tests never meet each other's counters. */
  const key = (name: string) => `${name}-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    [a, b] = await engine.open();
  });
  afterAll(() => engine.close());

  it('accepts a key once, on whichever replica, until it expires', async () => {
    const k = key('jti');
    expect(await a.use(k, t0 + 60_000, t0)).toBe(true);
    expect(await b.use(k, t0 + 60_000, t0 + 1)).toBe(false);
    expect(await a.use(k, t0 + 60_000, t0 + 2)).toBe(false);
    expect(await b.use(key('jti'), t0 + 60_000, t0)).toBe(true);
  });

  it('two replicas using the same key at once: exactly one wins', async () => {
    const k = key('race');
    const answers = await Promise.all([...Array(8)].map((_, i) => (i % 2 ? a : b).use(k, t0 + 60_000, t0)));
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  it('a window counts across replicas and starts again after it ends; it is not moved by later counts', async () => {
    const k = key('window');
    const first = await a.add(k, 10_000, 'window', t0);
    expect(first).toEqual({ count: 1, expiresAt: expect.any(Number) });
    const second = await b.add(k, 10_000, 'window', t0 + 4_000);
    expect(second.count).toBe(2);
    // Redis reckons expiry by its own clock; the others by the `now` given. Either way, near t0+10 s.
    if (_name !== 'Redis') {
      expect(second.expiresAt).toBe(t0 + 10_000);
      expect((await a.add(k, 10_000, 'window', t0 + 10_000)).count).toBe(1);
    }
  });

  it('a sliding counter keeps its count while counts keep coming, reads on any replica, and clears', async () => {
    const k = key('slide');
    const other = key('other');
    await a.add(k, 60_000, 'slide', t0);
    await b.add(k, 60_000, 'slide', t0 + 1_000);
    const third = await a.add(k, 60_000, 'slide', t0 + 2_000);
    expect(third.count).toBe(3);
    const read = await b.read([k, other], t0 + 2_000);
    expect(read.get(k)).toEqual({ count: 3, lastAt: t0 + 2_000 });
    expect(read.has(other)).toBe(false);
    await b.clear(k);
    expect((await a.read([k], t0 + 2_000)).size).toBe(0);
  });

  it('counts concurrent adds exactly', async () => {
    const k = key('concurrent');
    await Promise.all([...Array(10)].map((_, i) => (i % 2 ? a : b).add(k, 60_000, 'slide', t0)));
    expect((await a.read([k], t0)).get(k)?.count).toBe(10);
  });
});

describe('MemoryState', () => {
  it('stays bounded: past its capacity the oldest half is forgotten', async () => {
    const state = new MemoryState(100);
    for (let i = 0; i < 250; i++) await state.add(`k${i}`, 60_000, 'slide', 0);
    expect(state.size).toBeLessThanOrEqual(100);
    expect((await state.read(['k249'], 0)).get('k249')?.count).toBe(1);
  });

  it('forgets expired keys: a key may be used again after it expired', async () => {
    const state = new MemoryState();
    expect(await state.use('k', 1_000, 0)).toBe(true);
    expect(await state.use('k', 2_000, 1_000)).toBe(true);
  });
});

describe('RedisState while Redis is unreachable', () => {
  it('fails fast instead of waiting (each caller decides: the replay ledger refuses)', async () => {
    const warnings: string[] = [];
    const state = new RedisState('redis://127.0.0.1:1', 'portcullis:test:', (m) => warnings.push(m));
    await state.connect();
    await expect(state.use('k', Date.now() + 60_000)).rejects.toThrow();
    await expect(state.add('k', 1000, 'window')).rejects.toThrow();
    await state.close();
    expect(warnings.length).toBeGreaterThan(0);
  });
});

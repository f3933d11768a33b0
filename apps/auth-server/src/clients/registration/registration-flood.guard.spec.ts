import { OAuthError } from '@portcullis/oauth';
import { MemoryState } from '../../shared-state/memory-state';
import { RegistrationFloodGuard } from './registration-flood.guard';

describe('RegistrationFloodGuard', () => {
  it('admits up to the limit per address and window, then answers 429 with Retry-After', async () => {
    const guard = new RegistrationFloodGuard(new MemoryState(), { limit: 2, windowMs: 10_000 });
    await guard.admit('198.51.100.1', 0);
    await guard.admit('198.51.100.1', 1_000);
    const refused = await guard.admit('198.51.100.1', 4_000).then(
      () => undefined,
      (err: OAuthError) => err,
    );
    expect(refused).toMatchObject({ status: 429, error: 'temporarily_unavailable', headers: { 'Retry-After': '6' } });
    // Other addresses are counted on their own; a new window starts afresh.
    await expect(guard.admit('198.51.100.2', 4_000)).resolves.toBeUndefined();
    await expect(guard.admit('198.51.100.1', 10_000)).resolves.toBeUndefined();
  });

  it('counts across replicas sharing one store', async () => {
    const shared = new MemoryState();
    const [one, two] = [new RegistrationFloodGuard(shared, { limit: 2, windowMs: 60_000 }), new RegistrationFloodGuard(shared, { limit: 2, windowMs: 60_000 })];
    await one.admit('198.51.100.1', 0);
    await two.admit('198.51.100.1', 0);
    await expect(one.admit('198.51.100.1', 0)).rejects.toMatchObject({ status: 429 });
  });

  it('admits when the counter store cannot answer (a brake, not an accounting system: fail open)', async () => {
    const broken = { add: () => Promise.reject(new Error('down')), read: () => Promise.reject(new Error('down')), clear: () => Promise.reject(new Error('down')) };
    await expect(new RegistrationFloodGuard(broken, { limit: 1, windowMs: 60_000 }).admit('198.51.100.1')).resolves.toBeUndefined();
  });
});

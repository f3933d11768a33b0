import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, configProblems } from '@portcullis/config';
import { authConfigSchema } from '../config/auth-config';
import { isSealed, kekFrom, KeyEncryption } from './key-encryption';

const PEM = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n';

describe('KeyEncryption (AES-256-GCM under the KEK)', () => {
  const a = kekFrom(randomBytes(32));
  const b = kekFrom(randomBytes(32));

  it('seals with a fresh IV each time and opens again; the sealed value names its KEK, not the PEM', () => {
    const enc = new KeyEncryption(a);
    const one = enc.seal('kid-1', PEM);
    const two = enc.seal('kid-1', PEM);
    expect(one).not.toBe(two);
    expect(one.startsWith(`pcx1.${a.id}.`)).toBe(true);
    expect(one).not.toContain('PRIVATE KEY');
    expect(enc.open('kid-1', one)).toBe(PEM);
    expect(isSealed(one)).toBe(true);
  });

  it('binds the sealed value to its kid (AAD): moved onto another row, it does not open', () => {
    const enc = new KeyEncryption(a);
    expect(() => enc.open('kid-2', enc.seal('kid-1', PEM))).toThrow(ConfigError);
  });

  it('refuses a tampered value', () => {
    const enc = new KeyEncryption(a);
    const parts = enc.seal('kid-1', PEM).split('.');
    parts[3] = Buffer.from(Buffer.from(parts[3], 'base64url').map((x, i) => (i === 0 ? x ^ 1 : x))).toString('base64url');
    expect(() => enc.open('kid-1', parts.join('.'))).toThrow(/does not open/);
  });

  it('reads with the previous KEK during a KEK rotation, and says which KEK is missing otherwise', () => {
    const sealedUnderA = new KeyEncryption(a).seal('kid-1', PEM);
    const rotating = new KeyEncryption(b, a);
    expect(rotating.open('kid-1', sealedUnderA)).toBe(PEM);
    expect(rotating.needsResealing(sealedUnderA)).toBe(true);
    expect(rotating.needsResealing(rotating.seal('kid-1', PEM))).toBe(false);
    let error: ConfigError | undefined;
    try {
      new KeyEncryption(b).open('kid-1', sealedUnderA);
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.problems).toEqual([expect.stringContaining(`sealed with key-encryption key ${a.id}, which is neither KEYS_ENCRYPTION_KEY (${b.id})`)]);
  });

  it('without a KEK: stores plain PEM, reads plain PEM, and refuses a sealed one with one line', () => {
    const none = new KeyEncryption(undefined);
    expect(none.seal('kid-1', PEM)).toBe(PEM);
    expect(none.open('kid-1', PEM)).toBe(PEM);
    expect(() => none.open('kid-1', new KeyEncryption(a).seal('kid-1', PEM))).toThrow(/KEYS_ENCRYPTION_KEY \(unset\)/);
  });
});

describe('KEK settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kek-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const kek = randomBytes(32).toString('base64url');

  it('takes 32 bytes base64url from the variable or from a file, one way only', () => {
    const file = join(dir, 'kek');
    writeFileSync(file, `${kek}\n`);
    expect(authConfigSchema.parse({ KEYS_ENCRYPTION_KEY: kek }).keysEncryptionKey).toEqual(Buffer.from(kek, 'base64url'));
    expect(authConfigSchema.parse({ KEYS_ENCRYPTION_KEY_FILE: file }).keysEncryptionKey).toEqual(Buffer.from(kek, 'base64url'));
    expect(configProblems(authConfigSchema, { KEYS_ENCRYPTION_KEY: kek, KEYS_ENCRYPTION_KEY_FILE: file })).toEqual([
      'config: KEYS_ENCRYPTION_KEY_FILE: set KEYS_ENCRYPTION_KEY or KEYS_ENCRYPTION_KEY_FILE, not both',
    ]);
  });

  it('refuses a short key, an unreadable file, and a previous key without a current one, one line each', () => {
    expect(configProblems(authConfigSchema, { KEYS_ENCRYPTION_KEY: 'c2hvcnQ' })).toEqual(['config: KEYS_ENCRYPTION_KEY: must be 32 random bytes, base64url-encoded (43 characters)']);
    expect(configProblems(authConfigSchema, { KEYS_ENCRYPTION_KEY_FILE: join(dir, 'absent') })).toEqual([`config: KEYS_ENCRYPTION_KEY_FILE: cannot read ${join(dir, 'absent')}: ENOENT`]);
    expect(configProblems(authConfigSchema, { KEYS_ENCRYPTION_KEY_PREVIOUS: kek })).toEqual([
      'config: KEYS_ENCRYPTION_KEY_PREVIOUS: needs the new key in KEYS_ENCRYPTION_KEY or KEYS_ENCRYPTION_KEY_FILE',
    ]);
  });
});

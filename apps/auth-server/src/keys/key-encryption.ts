import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConfigError } from '@portcullis/config';

/** Marks a sealed private key; the version names the format below, so it can change later. */
const PREFIX = 'pcx1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A key-encryption key (KEK): 32 bytes, and a short public id derived from them. */
export interface Kek {
  id: string;
  key: Buffer;
}

/** The id written beside each sealed key: names which KEK sealed it, reveals nothing of it. */
export function kekFrom(key: Buffer): Kek {
  return { id: createHash('sha256').update('portcullis-kek-id').update(key).digest('base64url').slice(0, 8), key };
}

/**
 * Signing keys at rest (OWASP ASVS 6.4.1, NIST SP 800-57 key wrapping): each private key PEM is
 * sealed with AES-256-GCM under the KEK, with a fresh random 96-bit IV (NIST SP 800-38D §8.2.2)
 * and the key's `kid` as additional authenticated data, so a sealed value copied onto another
 * row does not open. Stored as `pcx1.<kek id>.<iv>.<ciphertext>.<tag>` (base64url): the KEK id
 * says which KEK opens it, so a KEK rotation can read both the previous and the current one.
 *
 * Without a KEK, keys are stored and read as plain PKCS#8 PEM (development, `npm start`).
 */
export class KeyEncryption {
  constructor(
    readonly current: Kek | undefined,
    private readonly previous: Kek | undefined = undefined,
  ) {}

  get enabled(): boolean {
    return this.current !== undefined;
  }

  /** The value to store for this key: sealed under the current KEK, or the PEM itself without one. */
  seal(kid: string, pem: string): string {
    if (!this.current) return pem;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(kid));
    const body = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
    return [PREFIX, this.current.id, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The PEM of a stored value; throws ConfigError (one clear start line) when no configured KEK opens it. */
  open(kid: string, stored: string): string {
    if (!isSealed(stored)) return stored;
    const [, kekId, iv, body, tag] = stored.split('.');
    const kek = [this.current, this.previous].find((k) => k?.id === kekId);
    if (!kek) {
      throw new ConfigError([
        `config: KEYS_ENCRYPTION_KEY: signing key ${kid} is sealed with key-encryption key ${kekId}, which is neither KEYS_ENCRYPTION_KEY${this.current ? ` (${this.current.id})` : ' (unset)'} nor KEYS_ENCRYPTION_KEY_PREVIOUS${this.previous ? ` (${this.previous.id})` : ' (unset)'}`,
      ]);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', kek.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(kid));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new ConfigError([`config: KEYS_ENCRYPTION_KEY: signing key ${kid} does not open with key-encryption key ${kek.id} (altered, or moved from another row)`]);
    }
  }

  /** Whether a stored value should be sealed again: plain PEM, or sealed under a KEK other than the current one. */
  needsResealing(stored: string): boolean {
    if (!this.current) return false;
    return !isSealed(stored) || stored.split('.')[1] !== this.current.id;
  }
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(`${PREFIX}.`);
}

function aad(kid: string): Buffer {
  return Buffer.from(`portcullis signing key ${kid}`, 'utf8');
}

import { z } from 'zod';
import { fileSetting } from '@portcullis/config';

/** A key-encryption key as configured: 32 random bytes, base64url (e.g. `openssl rand 32 | basenc --base64url`). */
export const keyEncryptionKey = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const bytes = /^[A-Za-z0-9_-]+={0,2}$/.test(v) ? Buffer.from(v, 'base64url') : Buffer.alloc(0);
    if (bytes.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'must be 32 random bytes, base64url-encoded (43 characters)' });
      return z.NEVER;
    }
    return bytes;
  })
  .optional();

/** KEYS_ENCRYPTION_KEY_FILE: the same, read from a file (a mounted secret). */
export const keyEncryptionKeyFile = fileSetting(keyEncryptionKey);

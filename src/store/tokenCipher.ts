import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest (bot tokens, refresh tokens). A sealed value is
 * `v1:` + base64(iv ‖ tag ‖ ciphertext); the associated data binds it to its row, so a
 * sealed token moved onto another tenant's row fails to open instead of working there.
 */
export interface TokenCipher {
  seal(plain: string, associatedData: string): string;
  /** Throws SealedValueError when the key is wrong or the value was changed or moved. */
  open(sealed: string, associatedData: string): string;
}

export class SealedValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedValueError';
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'v1:';

/**
 * The key from DEPLOYDAY_ENCRYPTION_KEY: 32 bytes written as 64 hex digits or as base64
 * (`openssl rand -base64 32`). Returns a problem sentence, never echoing the value, when it is not one.
 */
export function parseEncryptionKey(text: string): Buffer | string {
  const value = text.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value)) {
    const key = Buffer.from(value, 'base64');
    if (key.length === 32) return key;
  }
  return 'DEPLOYDAY_ENCRYPTION_KEY must be 32 random bytes, as 64 hex digits or base64 (openssl rand -base64 32)';
}

export function createTokenCipher(key: Buffer): TokenCipher {
  if (key.length !== 32) throw new Error('an AES-256-GCM key is 32 bytes');
  const secret = Buffer.from(key);
  return {
    seal(plain, associatedData) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed, associatedData) {
      if (!sealed.startsWith(PREFIX)) throw new SealedValueError('not a sealed value (unknown format)');
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new SealedValueError('sealed value is truncated');
      const decipher = createDecipheriv('aes-256-gcm', secret, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        // Which of the three it was cannot be told apart, by design of GCM.
        throw new SealedValueError('sealed value does not open: wrong DEPLOYDAY_ENCRYPTION_KEY, or the value was changed or moved to another row');
      }
    },
  };
}

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenCipher, parseEncryptionKey, SealedValueError } from '../../src/store/tokenCipher.js';

describe('token cipher', () => {
  it('opens what it sealed, and seals the same token differently each time', () => {
    const cipher = createTokenCipher(randomBytes(32));
    const a = cipher.seal('xoxb-1', 'T:T0AAA');
    const b = cipher.seal('xoxb-1', 'T:T0AAA');
    expect(a).not.toBe(b);
    expect(a).not.toContain('xoxb');
    expect(cipher.open(a, 'T:T0AAA')).toBe('xoxb-1');
  });

  it('refuses a sealed value with one bit changed', () => {
    const cipher = createTokenCipher(randomBytes(32));
    const sealed = cipher.seal('xoxb-1', 'T:T0AAA');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw.writeUInt8(raw.readUInt8(raw.length - 1) ^ 1, raw.length - 1);
    expect(() => cipher.open(`v1:${raw.toString('base64')}`, 'T:T0AAA')).toThrow(SealedValueError);
    expect(() => cipher.open('xoxb-plain', 'T:T0AAA')).toThrow(SealedValueError);
  });

  it('reads the key as 64 hex digits or base64 of 32 bytes, and names the variable (not the value) otherwise', () => {
    const bytes = randomBytes(32);
    expect(parseEncryptionKey(bytes.toString('hex'))).toEqual(bytes);
    expect(parseEncryptionKey(` ${bytes.toString('base64')}\n`)).toEqual(bytes);
    const problem = parseEncryptionKey('hunter2');
    expect(problem).toMatch(/^DEPLOYDAY_ENCRYPTION_KEY must be 32 random bytes/);
    expect(problem).not.toContain('hunter2');
    expect(typeof parseEncryptionKey(randomBytes(16).toString('base64'))).toBe('string');
  });
});

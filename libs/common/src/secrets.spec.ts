import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { loadConfig } from './config.js';
import { envSecretsKey, isSealed, parseSecretsKey, SecretBox, SecretOpenError, SecretsKeyError } from './secrets.js';

const HEX = 'a1'.repeat(32);

describe('parseSecretsKey', () => {
  it('reads 64 hex characters and base64 (standard or URL-safe, padded or not)', () => {
    const bytes = randomBytes(32);
    expect(parseSecretsKey(bytes.toString('hex'))).toEqual(bytes);
    expect(parseSecretsKey(bytes.toString('hex').toUpperCase())).toEqual(bytes);
    expect(parseSecretsKey(bytes.toString('base64'))).toEqual(bytes);
    expect(parseSecretsKey(bytes.toString('base64url'))).toEqual(bytes);
    expect(parseSecretsKey(` ${bytes.toString('base64')}\n`)).toEqual(bytes);
  });

  it('says what is wrong with a bad key', () => {
    expect(() => parseSecretsKey('')).toThrow(/^is empty: expected 32 random bytes/);
    expect(() => parseSecretsKey('ab'.repeat(16))).toThrow('has 32 hex characters, not 64');
    expect(() => parseSecretsKey(randomBytes(16).toString('base64'))).toThrow('decodes from base64 to 16 bytes, not 32');
    expect(() => parseSecretsKey('not a key!')).toThrow('is neither 64 hex characters nor base64');
    expect(() => parseSecretsKey('a'.repeat(64).replace(/^a/, 'g'))).toThrow(/decodes from base64 to 48 bytes/);
  });
});

describe('envSecretsKey', () => {
  const schema = z.object({ SECRETS_KEY: envSecretsKey() });

  it('is required and names the variable and the expected form', () => {
    expect(() => loadConfig(schema, {})).toThrow(/SECRETS_KEY: is required: 32 random bytes written as 64 hex characters or as base64/);
    expect(() => loadConfig(schema, { SECRETS_KEY: 'short' })).toThrow(/SECRETS_KEY \(value hidden\): .*base64 to 3 bytes/);
  });

  it('keeps a valid key as given', () => {
    expect(loadConfig(schema, { SECRETS_KEY: HEX })).toEqual({ SECRETS_KEY: HEX });
  });
});

describe('SecretBox', () => {
  const box = new SecretBox(HEX);

  it('seals to v1:<iv>:<tag>:<ciphertext> and opens again', () => {
    const sealed = box.seal('pa55:wörd ✓');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('pa55');
    expect(box.open(sealed)).toBe('pa55:wörd ✓');
    expect(box.open(box.seal(''))).toBe('');
  });

  it('never seals the same secret to the same text', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('accepts the key as bytes or base64', () => {
    const bytes = Buffer.from(HEX, 'hex');
    expect(new SecretBox(bytes).open(box.seal('x'))).toBe('x');
    expect(new SecretBox(bytes.toString('base64')).open(box.seal('x'))).toBe('x');
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(SecretsKeyError);
    expect(() => new SecretBox('nope')).toThrow(/^SECRETS_KEY /);
  });

  it('refuses a value sealed with another key, with a clear message', () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => other.open(box.seal('secret'))).toThrow(SecretOpenError);
    expect(() => other.open(box.seal('secret'))).toThrow('cannot open a sealed secret: it was sealed with another SECRETS_KEY, or it was altered');
  });

  it('detects tampering with the ciphertext, the tag or the IV', () => {
    const [v, iv, tag, data] = box.seal('transfer 100').split(':');
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] ^= 1;
      return bytes.toString('base64url');
    };
    for (const altered of [[v, iv, tag, flip(data)], [v, iv, flip(tag), data], [v, flip(iv), tag, data]]) {
      expect(() => box.open(altered.join(':'))).toThrow(/sealed with another SECRETS_KEY, or it was altered/);
    }
  });

  it('refuses what is not a sealed value', () => {
    expect(() => box.open('plain password')).toThrow('not a sealed secret: expected v1:<iv>:<tag>:<ciphertext>');
    expect(() => box.open('v2:a:b:c')).toThrow('not a sealed secret');
    expect(() => box.open('v1:AAAA:AAAA:AAAA')).toThrow('the IV must be 12 bytes and the tag 16');
    expect(isSealed('hunter2')).toBe(false);
  });
});

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Encryption of secrets kept in the database (mailbox passwords, tokens): AES-256-GCM with the
 * key from `SECRETS_KEY`. A sealed value is text, `v1:<iv>:<tag>:<ciphertext>` (each part
 * base64url), so it fits a text column and says which format made it. A fresh random IV per
 * value means the same secret never seals to the same text twice.
 */

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const SECRETS_KEY_HINT = '32 random bytes written as 64 hex characters or as base64, e.g. the output of `openssl rand -hex 32`';

/** SECRETS_KEY is missing or malformed; the message says what is expected. */
export class SecretsKeyError extends Error {
  override readonly name = 'SecretsKeyError';
}

/** A sealed value cannot be opened: not in the sealed format, sealed with another key, or altered. */
export class SecretOpenError extends Error {
  override readonly name = 'SecretOpenError';
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** The 32 key bytes from their 64-hex-character or base64 (standard or URL-safe, padding optional) form. */
export function parseSecretsKey(value: string): Buffer {
  const raw = value.trim();
  if (!raw) throw new SecretsKeyError(`is empty: expected ${SECRETS_KEY_HINT}`);
  if (HEX_KEY.test(raw)) return Buffer.from(raw, 'hex');
  // Only hex digits but not 64 of them: a hex key of the wrong length (random base64 is never all hex digits).
  if (/^[0-9a-fA-F]+$/.test(raw)) {
    throw new SecretsKeyError(`has ${raw.length} hex characters, not 64: expected ${SECRETS_KEY_HINT}`);
  }
  if (!BASE64.test(raw)) throw new SecretsKeyError(`is neither 64 hex characters nor base64: expected ${SECRETS_KEY_HINT}`);
  const key = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== KEY_BYTES) throw new SecretsKeyError(`decodes from base64 to ${key.length} bytes, not ${KEY_BYTES}: expected ${SECRETS_KEY_HINT}`);
  return key;
}

/** The env-schema entry for SECRETS_KEY: required, and checked to be a usable key (kept as given). */
export const envSecretsKey = () =>
  z.string({ message: `is required: ${SECRETS_KEY_HINT}` }).superRefine((value, ctx) => {
    try {
      parseSecretsKey(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

/** Whether a value looks like something seal() made (it may still fail to open). */
export function isSealed(value: string): boolean {
  return /^v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]*$/.test(value);
}

/** Seals and opens secrets with one key. */
export class SecretBox {
  private readonly key: Buffer;

  /** `key`: the SECRETS_KEY text (64 hex characters or base64), or the 32 key bytes. */
  constructor(key: string | Buffer) {
    if (typeof key === 'string') {
      try {
        this.key = parseSecretsKey(key);
      } catch (err) {
        throw new SecretsKeyError(`SECRETS_KEY ${(err as Error).message}`);
      }
    } else {
      if (key.length !== KEY_BYTES) throw new SecretsKeyError(`a secrets key is ${KEY_BYTES} bytes, got ${key.length}`);
      this.key = Buffer.from(key);
    }
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join(':');
  }

  open(sealed: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4 || !isSealed(sealed)) {
      throw new SecretOpenError('not a sealed secret: expected v1:<iv>:<tag>:<ciphertext> (base64url parts)');
    }
    const [, ivText, tagText, dataText] = parts;
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new SecretOpenError(`not a sealed secret: the IV must be ${IV_BYTES} bytes and the tag ${TAG_BYTES}`);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretOpenError('cannot open a sealed secret: it was sealed with another SECRETS_KEY, or it was altered');
    }
  }
}

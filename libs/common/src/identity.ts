import { parsePhoneNumberWithError, ParseError, type CountryCode } from 'libphonenumber-js/core';
// The full metadata (not the default "min"): validity checks number ranges, not just lengths. The
// `.json` entry resolves to a JS module, so no JSON import (Jest warns about those under ESM).
import metadata from 'libphonenumber-js/metadata.max.json';
import { InvalidDomainError, normalizeDomain } from './domain.js';

/** The kinds of contact identity (the database's `identity_kind`). */
export const IdentityKinds = { Email: 'email', Phone: 'phone', Telegram: 'telegram' } as const;
export type IdentityKindName = (typeof IdentityKinds)[keyof typeof IdentityKinds];
const IdentityKind = IdentityKinds;

/** A value that cannot be a contact identity of its kind; the message is fit to show to the user. */
export class InvalidIdentityError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/** RFC 5322 dot-atom characters; quoted local parts and SMTPUTF8 addresses are not accepted. */
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** `Jane.Doe@Example.COM ` → `jane.doe@example.com`; IDN domains in punycode. */
export function normalizeEmail(value: string): string {
  const email = value.trim().toLowerCase();
  const fail = (why: string) => new InvalidIdentityError(IdentityKind.Email, `"${value}" is not a valid e-mail address: ${why}`);
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) throw fail('expected name@domain');
  const local = email.slice(0, at);
  if (local.length > 64) throw fail('the part before @ is longer than 64 characters');
  if (!LOCAL_PART.test(local)) throw fail('the part before @ has characters that are not allowed');
  let domain: string;
  try {
    domain = normalizeDomain(email.slice(at + 1));
  } catch (err) {
    if (err instanceof InvalidDomainError) throw fail('the domain is not valid');
    throw err;
  }
  const normalized = `${local}@${domain}`;
  // RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets.
  if (normalized.length > 254) throw fail('longer than 254 characters');
  return normalized;
}

/** The domain of a normalised e-mail address. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

const PHONE_CHARS = /^\+?[0-9\s().\-/]+$/;

/**
 * `+44 20 7183 8750` / `0044 20 7183 8750` → `+442071838750` (E.164). Without a default region
 * the number must be international (leading + or 00); with one (ISO 3166 code, e.g. `GB`), a
 * national number such as `020 7183 8750` is read as that country's. Either way it must be a valid
 * number for its country per libphonenumber's full metadata, not merely of plausible length.
 */
export function normalizePhone(value: string, defaultRegion?: CountryCode): string {
  const fail = (why: string) => new InvalidIdentityError(IdentityKind.Phone, `"${value}" is not a valid phone number: ${why}`);
  let raw = value.trim();
  if (raw.length > 40) throw fail('too long');
  if (!PHONE_CHARS.test(raw)) throw fail('use digits, spaces and + ( ) - . / only (no extensions or letters)');
  if (raw.startsWith('00')) raw = `+${raw.slice(2)}`;
  if (!raw.startsWith('+') && !defaultRegion) {
    throw fail('write it in international format with the country code, e.g. +44 20 7183 8750');
  }
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(raw, raw.startsWith('+') ? {} : { defaultCountry: defaultRegion }, metadata);
  } catch (err) {
    if (err instanceof ParseError) throw fail(err.message === 'INVALID_COUNTRY' ? 'unknown country code' : 'not a phone number');
    throw err;
  }
  if (!parsed.isValid()) throw fail(`no such number for country code +${parsed.countryCallingCode}`);
  return parsed.number;
}

/** Whether a value is an ISO 3166-1 alpha-2 region libphonenumber knows (for validating config). */
export function isPhoneRegion(value: string): value is CountryCode {
  return Object.prototype.hasOwnProperty.call((metadata as { countries: object }).countries, value);
}

const MAX_INT64 = 2n ** 63n - 1n;

/** A Telegram user id as a decimal string (`" 00123 "` → `"123"`); ids exceed 2^31 and 2^53 is near, so never a JS number. */
export function normalizeTelegramId(value: string): string {
  const raw = value.trim();
  const fail = (why: string) => new InvalidIdentityError(IdentityKind.Telegram, `"${value}" is not a valid Telegram user id: ${why}`);
  if (!/^[0-9]{1,20}$/.test(raw)) throw fail('expected the numeric user id, e.g. 123456789 (not a @username)');
  const id = BigInt(raw);
  if (id === 0n || id > MAX_INT64) throw fail('out of range');
  return id.toString();
}

/** Normalises an identity value of any kind; throws an InvalidIdentityError with a readable message. */
export function normalizeIdentity(kind: string, value: string): string {
  switch (kind) {
    case IdentityKind.Email:
      return normalizeEmail(value);
    case IdentityKind.Phone:
      return normalizePhone(value);
    case IdentityKind.Telegram:
      return normalizeTelegramId(value);
    default:
      throw new InvalidIdentityError(kind, `unknown identity kind "${String(kind)}"`);
  }
}

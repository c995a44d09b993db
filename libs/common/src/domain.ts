import { domainToASCII } from 'node:url';

/** A DNS label: letters, digits and inner hyphens, at most 63 characters (RFC 1035 §2.3.4). */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** A top-level domain starts with a letter ("com", "xn--p1ai"), which also keeps IP addresses out. */
const TLD = /^[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

export class InvalidDomainError extends Error {}

/**
 * Normalises an e-mail domain for storage and comparison: trimmed, lower-case, without a leading
 * "@" or trailing dot, internationalised names in their ASCII (punycode) form. Throws an
 * InvalidDomainError with a readable message when the value is not a hostname with a TLD.
 */
export function normalizeDomain(value: string): string {
  const trimmed = value.trim().replace(/^@/, '').replace(/\.$/, '');
  if (!trimmed) throw new InvalidDomainError('domain is empty');
  const ascii = domainToASCII(trimmed);
  if (!ascii) throw new InvalidDomainError(`"${value}" is not a valid domain name`);
  if (ascii.length > 253) throw new InvalidDomainError(`"${value}" is longer than 253 characters`);
  const labels = ascii.split('.');
  if (labels.length < 2) throw new InvalidDomainError(`"${value}" is not a domain name: it needs a dot and a top-level domain, e.g. example.com`);
  if (!labels.every((l) => LABEL.test(l)) || !TLD.test(labels[labels.length - 1])) {
    throw new InvalidDomainError(`"${value}" is not a valid domain name: use letters, digits, hyphens and dots, e.g. example.com`);
  }
  return ascii;
}

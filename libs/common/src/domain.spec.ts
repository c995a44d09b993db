import { InvalidDomainError, normalizeDomain } from './domain.js';

describe('normalizeDomain', () => {
  it.each([
    ['Acme.COM', 'acme.com'],
    ['  @acme.co.uk ', 'acme.co.uk'],
    ['mail.acme.com.', 'mail.acme.com'],
    ['xn--e1afmkfd.xn--p1ai', 'xn--e1afmkfd.xn--p1ai'],
    ['пример.рф', 'xn--e1afmkfd.xn--p1ai'],
    ['my-company.io', 'my-company.io'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['localhost', 'needs a dot'],
    ['1.2.3.4', 'not a valid domain'],
    ['-acme.com', 'not a valid domain'],
    ['acme-.com', 'not a valid domain'],
    ['ac_me.com', 'not a valid domain'],
    ['a..com', 'not a valid domain'],
    ['acme com', 'not a valid domain'],
    ['http://acme.com', 'not a valid domain'],
    [`${'a'.repeat(64)}.com`, 'not a valid domain'],
    [`${'abcdefgh.'.repeat(29)}com`, 'longer than 253'],
  ])('rejects %j (%s)', (input, why) => {
    expect(() => normalizeDomain(input)).toThrow(InvalidDomainError);
    expect(() => normalizeDomain(input)).toThrow(why);
  });
});

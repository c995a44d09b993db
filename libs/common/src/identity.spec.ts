import { emailDomain, IdentityKinds as IdentityKind, InvalidIdentityError, isPhoneRegion, normalizeEmail, normalizeIdentity, normalizePhone, normalizeTelegramId } from './identity.js';

describe('normalizeEmail', () => {
  it.each([
    ['Jane.Doe@Example.COM', 'jane.doe@example.com'],
    ['  ops+tickets@acme.io  ', 'ops+tickets@acme.io'],
    ['x@sub.domain.example.org.', 'x@sub.domain.example.org'],
    ['info@пример.рф', 'info@xn--e1afmkfd.xn--p1ai'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each([
    ['', 'expected name@domain'],
    ['jane', 'expected name@domain'],
    ['@example.com', 'expected name@domain'],
    ['jane@', 'expected name@domain'],
    ['jane@localhost', 'the domain is not valid'],
    ['jane@10.0.0.1', 'the domain is not valid'],
    ['jane@exa mple.com', 'the domain is not valid'],
    ['ja ne@example.com', 'characters that are not allowed'],
    ['.jane@example.com', 'characters that are not allowed'],
    ['ja..ne@example.com', 'characters that are not allowed'],
    ['Jane <jane@example.com>', 'not allowed'],
    [`${'a'.repeat(65)}@example.com`, 'longer than 64'],
  ])('rejects %j (%s)', (input, why) => {
    expect(() => normalizeEmail(input)).toThrow(InvalidIdentityError);
    expect(() => normalizeEmail(input)).toThrow(why);
  });

  it('gives the domain of a normalised address', () => {
    expect(emailDomain(normalizeEmail('Jane@Mail.Acme.COM'))).toBe('mail.acme.com');
  });
});

describe('normalizePhone', () => {
  it.each([
    ['+44 20 7183 8750', '+442071838750'],
    ['0044 20 7183 8750', '+442071838750'],
    ['+1 (202) 456-1111', '+12024561111'],
    ['+7 999 123-45-67', '+79991234567'],
    ['+49 30/1234567', '+49301234567'],
    ['+442071838750', '+442071838750'],
  ])('%j → %j', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each([
    ['020 7183 8750', 'international format'],
    ['2071838750', 'international format'],
    ['+44 20 7183 875', 'no such number for country code +44'],
    ['+1 555 555 5555', 'no such number'],
    ['+999 1234 5678', 'unknown country code'],
    ['+44 20 7183 8750 ext. 12', 'no extensions'],
    ['+1 800 FLOWERS', 'no extensions or letters'],
    ['', 'use digits'],
    [`+44${'1'.repeat(40)}`, 'too long'],
  ])('rejects %j (%s)', (input, why) => {
    expect(() => normalizePhone(input)).toThrow(InvalidIdentityError);
    expect(() => normalizePhone(input)).toThrow(why);
  });
});

describe('normalizePhone with a default region', () => {
  it.each([
    ['020 7183 8750', 'GB', '+442071838750'],
    ['8 (999) 123-45-67', 'RU', '+79991234567'],
    ['+1 (202) 456-1111', 'RU', '+12024561111'],
  ] as const)('%j in %s → %j', (input, region, expected) => {
    expect(normalizePhone(input, region)).toBe(expected);
  });

  it('still rejects a national number that does not exist in the region', () => {
    expect(() => normalizePhone('020 7183 875', 'GB')).toThrow('no such number for country code +44');
  });

  it('knows which regions exist', () => {
    expect(isPhoneRegion('GB')).toBe(true);
    expect(isPhoneRegion('XX')).toBe(false);
  });
});

describe('normalizeTelegramId', () => {
  it.each([
    ['123456789', '123456789'],
    [' 00042 ', '42'],
    ['9223372036854775807', '9223372036854775807'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeTelegramId(input)).toBe(expected);
  });

  it.each(['@jane', 'jane', '-100123', '12.5', '0', '9223372036854775808', ''])('rejects %j', (input) => {
    expect(() => normalizeTelegramId(input)).toThrow(/not a valid Telegram user id/);
  });
});

describe('normalizeIdentity', () => {
  it('dispatches on the kind', () => {
    expect(normalizeIdentity(IdentityKind.Email, 'A@B.CO')).toBe('a@b.co');
    expect(normalizeIdentity(IdentityKind.Phone, '+44 20 7183 8750')).toBe('+442071838750');
    expect(normalizeIdentity(IdentityKind.Telegram, '77')).toBe('77');
  });

  it('carries the kind on the error', () => {
    try {
      normalizeIdentity(IdentityKind.Phone, 'nope');
      throw new Error('did not throw');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidIdentityError);
      expect((err as InvalidIdentityError).kind).toBe(IdentityKind.Phone);
    }
  });

  it('rejects an unknown kind', () => {
    expect(() => normalizeIdentity('fax', '1')).toThrow('unknown identity kind "fax"');
  });
});

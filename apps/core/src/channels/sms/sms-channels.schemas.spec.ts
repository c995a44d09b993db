import {
  baseUrlProblem,
  checkCredentials,
  createSmsChannelSchema,
  credentialsHint,
  normalizeSender,
  settleConnection,
  updateSmsChannelSchema,
} from './sms-channels.schemas.js';

const SID = 'AC' + '0123456789abcdef'.repeat(2);
const TOKEN = 'f'.repeat(32);
const API_ID = '1A2B3C4D-5E6F-7A8B-9C0D-1E2F3A4B5C6D';

/** The issues by path. */
function issues(schema: typeof createSmsChannelSchema | typeof updateSmsChannelSchema, body: unknown): Record<string, string> {
  const result = schema.safeParse(body);
  if (result.success) throw new Error(`expected a failure, got ${JSON.stringify(result.data)}`);
  return Object.fromEntries(result.error.issues.map((i) => [i.path.map(String).join('.'), i.message]));
}

describe('SMS senders', () => {
  it('takes a number in international format (stored in E.164) or an alphanumeric sender id', () => {
    expect(normalizeSender(' +44 7911 123456 ')).toEqual({ value: '+447911123456' });
    expect(normalizeSender('0044 7911 123456')).toEqual({ value: '+447911123456' });
    expect(normalizeSender('ACME')).toEqual({ value: 'ACME' });
    expect(normalizeSender('Acme  Help')).toEqual({ value: 'Acme Help' });
    expect(normalizeSender('Shop24')).toEqual({ value: 'Shop24' });
  });

  it('says what is wrong with anything else', () => {
    expect(normalizeSender('')).toEqual({ problem: expect.stringContaining('must not be empty') });
    expect(normalizeSender('07911 123456')).toEqual({ problem: expect.stringMatching(/international format.*needs at least one letter$/) });
    expect(normalizeSender('+44 1')).toEqual({ problem: expect.stringContaining('is not a valid phone number') });
    expect(normalizeSender('AcmeSupportDesk')).toEqual({ problem: expect.stringContaining('at most 11 characters') });
    expect(normalizeSender('Acme_Help')).toEqual({ problem: expect.stringContaining('only the letters A-Z, digits and spaces') });
    expect(normalizeSender('Ёлка')).toEqual({ problem: expect.stringContaining('only the letters A-Z') });
  });
});

describe('SMS provider credentials', () => {
  it('checks Twilio\'s Account SID and Auth Token', () => {
    expect(checkCredentials('twilio', { accountSid: ` ${SID} `, authToken: TOKEN })).toEqual({ credentials: { accountSid: SID, authToken: TOKEN } });
    const bad = checkCredentials('twilio', { accountSid: 'SK' + 'a'.repeat(32), authToken: 'A'.repeat(32), apiId: API_ID });
    expect(bad).toEqual({
      issues: [
        { path: 'credentials.apiId', message: 'is not a Twilio credential; Twilio needs accountSid, authToken' },
        { path: 'credentials.accountSid', message: 'is an API key SID (SK…); give the Account SID (AC…) from the Twilio console' },
        { path: 'credentials.authToken', message: 'must be the Auth Token from the Twilio console: 32 hexadecimal digits (0-9, a-f)' },
      ],
    });
    expect(checkCredentials('twilio', { accountSid: 'AC123' })).toEqual({
      issues: [
        { path: 'credentials.accountSid', message: 'must be the Account SID from the Twilio console: AC followed by 32 hexadecimal digits (0-9, a-f)' },
        { path: 'credentials.authToken', message: 'is required for Twilio' },
      ],
    });
  });

  it('checks SMS.ru\'s api_id', () => {
    expect(checkCredentials('smsru', { apiId: API_ID.toLowerCase() })).toEqual({ credentials: { apiId: API_ID.toLowerCase() } });
    expect(checkCredentials('smsru', { apiId: 'abc' })).toEqual({ issues: [{ path: 'credentials.apiId', message: expect.stringContaining('api_id from your SMS.ru account') }] });
    expect(checkCredentials('smsru', undefined)).toEqual({ issues: [{ path: 'credentials', message: 'are required: SMS.ru needs apiId' }] });
    expect(checkCredentials('smsru', 'key')).toEqual({ issues: [{ path: 'credentials', message: 'must be an object: SMS.ru needs apiId' }] });
  });

  it('holds SMPP credentials to the SMPP 3.4 lengths, keeping the password exactly as given', () => {
    expect(checkCredentials('smpp', { systemId: ' acme ', password: ' pw 1 ', systemType: 'VMA' })).toEqual({
      credentials: { systemId: 'acme', password: ' pw 1 ', systemType: 'VMA' },
    });
    expect(checkCredentials('smpp', { systemId: 'a'.repeat(15), password: 'p'.repeat(8) })).toEqual({ credentials: { systemId: 'a'.repeat(15), password: 'p'.repeat(8) } });
    expect(checkCredentials('smpp', { systemId: 'a'.repeat(16), password: 'p'.repeat(9), systemType: 't'.repeat(13) })).toEqual({
      issues: [
        { path: 'credentials.systemId', message: 'must be at most 15 characters (SMPP 3.4 allows 16 octets for system_id, the terminating NUL included)' },
        { path: 'credentials.password', message: 'must be at most 8 characters (SMPP 3.4 allows 9 octets for password, the terminating NUL included)' },
        { path: 'credentials.systemType', message: 'must be at most 12 characters (SMPP 3.4 allows 13 octets for system_type, the terminating NUL included)' },
      ],
    });
    expect(checkCredentials('smpp', { systemId: 'ä', password: '' })).toEqual({
      issues: [
        { path: 'credentials.systemId', message: 'must be printable ASCII characters only (SMPP 3.4)' },
        { path: 'credentials.password', message: 'must not be empty: the password your SMS provider gave you' },
      ],
    });
  });

  it('shows enough to recognise them, never a secret', () => {
    expect(credentialsHint('twilio', { accountSid: SID, authToken: TOKEN })).toBe('AC01…cdef');
    expect(credentialsHint('smsru', { apiId: API_ID })).toBe('…5C6D');
    expect(credentialsHint('smpp', { systemId: 'acme', password: 'secret' })).toBe('acme');
  });
});

describe('SMS connection settings', () => {
  it('needs an http(s) base URL without query, fragment or credentials', () => {
    expect(baseUrlProblem('http://127.0.0.1:4010/twilio')).toBeUndefined();
    expect(baseUrlProblem('api.twilio.com')).toMatch(/absolute URL/);
    expect(baseUrlProblem('ftp://api.twilio.com')).toBe('must be an http:// or https:// URL');
    expect(baseUrlProblem('https://u:p@api.twilio.com')).toMatch(/user name or password/);
    expect(baseUrlProblem('https://api.twilio.com/?x=1')).toMatch(/query or fragment/);
    expect(baseUrlProblem('https://api.twilio.com/#x')).toMatch(/query or fragment/);
  });

  it('fills the provider\'s defaults and refuses settings of another provider', () => {
    expect(settleConnection('twilio', {})).toEqual({ connection: { provider: 'twilio', smppHost: null, smppPort: null, baseUrl: 'https://api.twilio.com' } });
    expect(settleConnection('smsru', { baseUrl: null })).toEqual({ connection: { provider: 'smsru', smppHost: null, smppPort: null, baseUrl: 'https://sms.ru' } });
    expect(settleConnection('smpp', { smppHost: 'smsc.example.com' })).toEqual({ connection: { provider: 'smpp', smppHost: 'smsc.example.com', smppPort: 2775, baseUrl: null } });
    expect(settleConnection('smpp', { baseUrl: 'https://x.example.com' })).toEqual({
      issues: [
        { path: 'baseUrl', message: 'is only for Twilio and SMS.ru: SMPP connects to smppHost and smppPort' },
        { path: 'smppHost', message: expect.stringContaining('is required for SMPP') },
      ],
    });
    expect(settleConnection('twilio', { smppHost: 'smsc.example.com', smppPort: 2775 })).toEqual({
      issues: [
        { path: 'smppHost', message: 'is only for SMPP; Twilio is reached at baseUrl' },
        { path: 'smppPort', message: 'is only for SMPP; Twilio is reached at baseUrl' },
      ],
    });
  });

  it('keeps the stored settings of the same provider, and the new provider\'s defaults after a switch', () => {
    const stored = { provider: 'twilio' as const, smppHost: null, smppPort: null, baseUrl: 'http://127.0.0.1:4010' };
    expect(settleConnection('twilio', {}, stored)).toEqual({ connection: stored });
    expect(settleConnection('smsru', {}, stored)).toEqual({ connection: { ...stored, provider: 'smsru', baseUrl: 'https://sms.ru' } });
    const smpp = { provider: 'smpp' as const, smppHost: 'smsc.example.com', smppPort: 2776, baseUrl: null };
    expect(settleConnection('smpp', { smppPort: 3000 }, smpp)).toEqual({ connection: { ...smpp, smppPort: 3000 } });
    expect(settleConnection('smpp', { smppHost: null }, smpp)).toEqual({ issues: [{ path: 'smppHost', message: expect.stringContaining('is required for SMPP') }] });
    expect(settleConnection('twilio', {}, smpp)).toEqual({ connection: { provider: 'twilio', smppHost: null, smppPort: null, baseUrl: 'https://api.twilio.com' } });
  });
});

describe('createSmsChannelSchema', () => {
  it('fills the defaults', () => {
    expect(createSmsChannelSchema.parse({ name: ' UK ', provider: 'twilio', sender: '+44 7911 123456', credentials: { accountSid: SID, authToken: TOKEN } })).toEqual({
      name: 'UK',
      provider: 'twilio',
      sender: '+447911123456',
      credentials: { accountSid: SID, authToken: TOKEN },
      smppHost: null,
      smppPort: null,
      baseUrl: 'https://api.twilio.com',
      throughputPerSecond: 10,
      maxSegments: 6,
      defaultRegion: null,
      enabled: true,
    });
    expect(
      createSmsChannelSchema.parse({ name: 'S', provider: 'smpp', sender: 'ACME', smppHost: 'SMSC.Example.com', credentials: { systemId: 'a', password: 'b' }, defaultRegion: 'ru' }),
    ).toMatchObject({ smppHost: 'smsc.example.com', smppPort: 2775, baseUrl: null, defaultRegion: 'RU' });
  });

  it('says what is wrong, field by field', () => {
    expect(issues(createSmsChannelSchema, { name: 'x', provider: 'nexmo', sender: 'ACME', credentials: {} })).toEqual({ provider: 'must be smpp, twilio, smsru' });
    expect(issues(createSmsChannelSchema, { name: 'x', provider: 'smsru', sender: 'ACME' })).toEqual({ credentials: 'are required: SMS.ru needs apiId' });
    expect(
      issues(createSmsChannelSchema, {
        name: 'x',
        provider: 'smpp',
        sender: 'ACME',
        smppHost: 'smpp://smsc.example.com',
        smppPort: 0,
        credentials: { systemId: 'a', password: 'b' },
        throughputPerSecond: 1001,
        maxSegments: 0,
        defaultRegion: 'XX',
      }),
    ).toEqual({
      smppHost: 'write only the host name, without a scheme such as smpp://',
      smppPort: 'must be a port number from 1 to 65535',
      throughputPerSecond: 'must be a whole number from 1 to 1000',
      maxSegments: 'must be a whole number from 1 to 20',
      defaultRegion: 'must be a two-letter country code such as GB or RU (ISO 3166-1)',
    });
    expect(Object.keys(issues(createSmsChannelSchema, { name: 'x', provider: 'smsru', sender: 'ACME', credentials: { apiId: API_ID }, state: 'error' }))).toEqual(['']);
  });
});

describe('updateSmsChannelSchema', () => {
  it('takes any subset, and refuses an empty change', () => {
    expect(updateSmsChannelSchema.parse({ baseUrl: null, sender: 'ACME' })).toEqual({ baseUrl: null, sender: 'ACME' });
    expect(issues(updateSmsChannelSchema, {})).toEqual({ '': 'nothing to change: send at least one property of the channel' });
  });
});

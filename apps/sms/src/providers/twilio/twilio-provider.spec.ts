import { computeTwilioSignature } from './signature.js';
import { createTwilioProvider, header } from './twilio-provider.js';

const settings = { channelId: 'ch-1', sender: '+15005550006', credentials: { accountSid: 'AC123', authToken: 'tok' } };

describe('TwilioProvider', () => {
  it('needs accountSid and authToken', () => {
    expect(() => createTwilioProvider({ ...settings, credentials: { accountSid: 'AC123' } })).toThrow(/accountSid and authToken/);
    expect(() => createTwilioProvider({ ...settings, credentials: {} })).toThrow(/ch-1/);
  });

  it('posts to the account Messages endpoint, on api.twilio.com unless told otherwise', () => {
    expect(createTwilioProvider(settings).messagesUrl).toBe('https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json');
    expect(createTwilioProvider({ ...settings, baseUrl: 'http://127.0.0.1:9/' }).messagesUrl).toBe('http://127.0.0.1:9/2010-04-01/Accounts/AC123/Messages.json');
  });

  it('finds the signature header whatever its case', () => {
    const url = 'https://sb.example/sms/ch-1/twilio/inbound';
    const params = { MessageSid: 'SM1', Body: 'hi' };
    const signature = computeTwilioSignature('tok', url, params);
    const twilio = createTwilioProvider(settings);
    expect(twilio.verifyWebhook({ url, params, headers: { 'X-Twilio-Signature': signature } })).toBe(true);
    expect(twilio.verifyWebhook({ url, params, headers: { 'x-twilio-signature': [signature, 'other'] } })).toBe(true);
    expect(twilio.verifyWebhook({ url, params, headers: {} })).toBe(false);
    expect(header({ A: 'x', b: undefined }, 'a')).toBe('x');
    expect(header({ b: undefined }, 'b')).toBeUndefined();
  });

  it('parses with its clock', () => {
    const now = new Date('2024-01-01T00:00:00Z');
    const twilio = createTwilioProvider(settings, { now: () => now });
    const content = twilio.parseWebhook({ url: 'https://x', headers: {}, params: { MessageSid: 'SM1', MessageStatus: 'delivered' } });
    expect(content.receipts).toEqual([{ providerMessageId: 'SM1', status: 'delivered', at: now }]);
  });
});

import { EMPTY_TWIML, field, parseTwilioWebhook } from './webhook.js';

const NOW = new Date('2024-05-01T10:00:00Z');
const SID = 'SM0123456789abcdef0123456789abcdef';

describe('parseTwilioWebhook', () => {
  it('reads an incoming message and answers with empty TwiML', () => {
    const content = parseTwilioWebhook(
      { MessageSid: SID, SmsSid: SID, SmsMessageSid: SID, SmsStatus: 'received', From: '+15551230000', To: '+15005550006', Body: 'Привет 👋', NumSegments: '1', NumMedia: '0' },
      NOW,
    );
    expect(content.inbound).toEqual([{ providerMessageId: SID, from: '+15551230000', to: '+15005550006', text: 'Привет 👋', receivedAt: NOW }]);
    expect(content.receipts).toEqual([]);
    expect(content.reply).toEqual({ contentType: 'text/xml', body: EMPTY_TWIML });
  });

  it('takes SmsSid when MessageSid is missing, and a Body without status as inbound', () => {
    const content = parseTwilioWebhook({ SmsSid: SID, From: '+1', To: '+2', Body: '' }, NOW);
    expect(content.inbound).toHaveLength(1);
    expect(content.inbound[0].providerMessageId).toBe(SID);
    expect(content.inbound[0].text).toBe('');
  });

  it('adds a line per MMS attachment', () => {
    const content = parseTwilioWebhook(
      { MessageSid: SID, SmsStatus: 'received', From: '+1', To: '+2', Body: 'see photo', NumMedia: '2', MediaUrl0: 'https://api.twilio.com/m/0', MediaUrl1: 'https://api.twilio.com/m/1' },
      NOW,
    );
    expect(content.inbound[0].text).toBe('see photo\n[attachment: https://api.twilio.com/m/0]\n[attachment: https://api.twilio.com/m/1]');
  });

  it.each([
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'delivered'],
    ['undelivered', 'failed'],
    ['failed', 'failed'],
  ])('turns status %s into a %s receipt', (status, expected) => {
    const content = parseTwilioWebhook({ MessageSid: SID, MessageStatus: status, SmsStatus: status, AccountSid: 'AC1', From: '+1', To: '+2' }, NOW);
    expect(content.inbound).toEqual([]);
    expect(content.receipts).toEqual([expect.objectContaining({ providerMessageId: SID, status: expected, at: NOW })]);
    expect(content.reply).toBeUndefined();
  });

  it('gives no receipt for queued, accepted or sending', () => {
    for (const status of ['queued', 'accepted', 'sending', 'scheduled']) {
      expect(parseTwilioWebhook({ MessageSid: SID, MessageStatus: status }, NOW)).toEqual({ inbound: [], receipts: [] });
    }
  });

  it('puts the ErrorCode (or the status) in a failed receipt', () => {
    expect(parseTwilioWebhook({ MessageSid: SID, MessageStatus: 'undelivered', ErrorCode: '30003' }, NOW).receipts[0].error).toBe('30003');
    expect(parseTwilioWebhook({ MessageSid: SID, MessageStatus: 'failed' }, NOW).receipts[0].error).toBe('failed');
    expect(parseTwilioWebhook({ MessageSid: SID, MessageStatus: 'delivered', ErrorCode: '' }, NOW).receipts[0].error).toBeUndefined();
  });

  it('yields nothing without a message sid', () => {
    expect(parseTwilioWebhook({ MessageStatus: 'delivered' }, NOW)).toEqual({ inbound: [], receipts: [] });
    expect(parseTwilioWebhook({}, NOW)).toEqual({ inbound: [], receipts: [] });
  });
});

describe('field', () => {
  it('takes the first value of a repeated field and ignores non-strings', () => {
    expect(field({ a: ['x', 'y'] }, 'a')).toBe('x');
    expect(field({ a: 3 }, 'a')).toBe('3');
    expect(field({ a: { b: 1 } }, 'a')).toBeUndefined();
    expect(field({}, 'a')).toBeUndefined();
  });
});

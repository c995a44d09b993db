import { callbackHash } from './callback.js';
import { createSmsRuProvider } from './smsru-provider.js';

const settings = { channelId: 'ch-2', sender: 'Acme', credentials: { apiId: 'API-ID' } };
const URL_ = 'https://sb.example/sms/ch-2/smsru/s3cret';

describe('SmsRuProvider', () => {
  it('needs an apiId', () => {
    expect(() => createSmsRuProvider({ ...settings, credentials: {} })).toThrow(/ch-2.*apiId/);
  });

  it('verifies the secret in the URL, then the hash when there is one', () => {
    const smsru = createSmsRuProvider(settings, { webhookSecret: 's3cret' });
    const entries = ['sms_status\n1-1\n103\n1714557600'];
    const hash = callbackHash('API-ID', entries);
    expect(smsru.verifyWebhook({ url: URL_, headers: {}, params: { 'data[]': entries, hash } })).toBe(true);
    expect(smsru.verifyWebhook({ url: `${URL_}/`, headers: {}, params: { 'data[]': entries, hash: [hash] } })).toBe(true);
    expect(smsru.verifyWebhook({ url: URL_, headers: {}, params: { 'data[]': entries } })).toBe(true);
    expect(smsru.verifyWebhook({ url: URL_, headers: {}, params: { 'data[]': entries, hash: '' } })).toBe(true);
    expect(smsru.verifyWebhook({ url: URL_, headers: {}, params: { 'data[]': entries, hash: callbackHash('OTHER', entries) } })).toBe(false);
    expect(smsru.verifyWebhook({ url: 'https://sb.example/sms/ch-2/smsru/s3cre', headers: {}, params: { 'data[]': entries, hash } })).toBe(false);
    expect(smsru.verifyWebhook({ url: 'https://sb.example/sms/ch-2/smsru/s3cret/x', headers: {}, params: {} })).toBe(false);
    expect(smsru.verifyWebhook({ url: 'not a url', headers: {}, params: {} })).toBe(false);
    expect(createSmsRuProvider(settings, { webhookSecret: '' }).verifyWebhook({ url: 'https://sb.example/', headers: {}, params: {} })).toBe(false);
  });

  it('always replies "100", with the entries parsed', () => {
    const smsru = createSmsRuProvider(settings, { webhookSecret: 's3cret', now: () => new Date(0) });
    expect(smsru.parseWebhook({ url: URL_, headers: {}, params: {} })).toEqual({ inbound: [], receipts: [], reply: { contentType: 'text/plain', body: '100' } });
    const content = smsru.parseWebhook({ url: URL_, headers: {}, params: { data: ['sms_status\n1-1\n104', 'sms_in\n1-2\n79251234567\nhi\n1714557600'] } });
    expect(content.receipts).toEqual([{ providerMessageId: '1-1', status: 'failed', error: '104 cannot be delivered: lifetime expired', at: new Date(0) }]);
    expect(content.inbound).toEqual([{ providerMessageId: '1-2', from: '+79251234567', to: 'Acme', text: 'hi', receivedAt: new Date(1714557600 * 1000) }]);
  });
});

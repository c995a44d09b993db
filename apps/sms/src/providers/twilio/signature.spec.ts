import { computeTwilioSignature, twilioSignedString, urlVariants, verifyTwilioSignature } from './signature.js';

// The worked example of Twilio's "Validating requests" documentation (twilio.com/docs/usage/security),
// in the versions Twilio's docs and helper libraries have shown over the years.
const DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const DOC_TOKEN = '12345';
const docParams = (caller: string) => ({ CallSid: 'CA1234567890ABCDE', Caller: caller, Digits: '1234', From: caller, To: '+18005551212' });

describe('Twilio webhook signature', () => {
  it.each([
    ['+12349013030', '0/KCTR6DLpKmkAf8muzZqo1nDgQ='],
    ['+14158675309', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    ['+14158675310', 'GvWf1cFY/Q7PnoempGyD5oXAezc='],
  ])("matches Twilio's documented example (Caller %s)", (caller, signature) => {
    expect(computeTwilioSignature(DOC_TOKEN, DOC_URL, docParams(caller))).toBe(signature);
    expect(verifyTwilioSignature(DOC_TOKEN, signature, DOC_URL, docParams(caller))).toBe(true);
  });

  it('signs the URL, then every parameter sorted by name as name + value', () => {
    expect(twilioSignedString('https://x.example/hook?q=1', { b: '2', a: '1', B: '3' })).toBe('https://x.example/hook?q=1B3a1b2');
    expect(twilioSignedString('https://x.example/hook', {})).toBe('https://x.example/hook');
    expect(twilioSignedString('https://x.example/hook', { Empty: '', Num: 3 })).toBe('https://x.example/hookEmptyNum3');
  });

  it('takes each distinct value of a repeated parameter, sorted', () => {
    expect(twilioSignedString('u', { a: ['z', 'y', 'z'], b: 'x' })).toBe('uayazbx');
  });

  it('refuses a missing, empty, wrong or mangled signature, another token, another URL or other params', () => {
    const good = computeTwilioSignature(DOC_TOKEN, DOC_URL, docParams('+12349013030'));
    const params = docParams('+12349013030');
    expect(verifyTwilioSignature(DOC_TOKEN, undefined, DOC_URL, params)).toBe(false);
    expect(verifyTwilioSignature(DOC_TOKEN, '', DOC_URL, params)).toBe(false);
    expect(verifyTwilioSignature(DOC_TOKEN, good.slice(0, -2), DOC_URL, params)).toBe(false);
    expect(verifyTwilioSignature(DOC_TOKEN, `${good}x`, DOC_URL, params)).toBe(false);
    expect(verifyTwilioSignature('54321', good, DOC_URL, params)).toBe(false);
    expect(verifyTwilioSignature('', good, DOC_URL, params)).toBe(false);
    expect(verifyTwilioSignature(DOC_TOKEN, good, 'https://mycompany.com/myapp.php?foo=1&bar=3', params)).toBe(false);
    expect(verifyTwilioSignature(DOC_TOKEN, good, DOC_URL, { ...params, Digits: '1235' })).toBe(false);
    expect(verifyTwilioSignature(DOC_TOKEN, good, DOC_URL, { ...params, Extra: '' })).toBe(false);
  });

  it('accepts a signature made over the URL with its default port, or without its port', () => {
    const params = { Body: 'hi' };
    const withPort = computeTwilioSignature('t', 'https://hooks.example.com:443/sms?x=1', params);
    expect(verifyTwilioSignature('t', withPort, 'https://hooks.example.com/sms?x=1', params)).toBe(true);
    const withoutPort = computeTwilioSignature('t', 'https://hooks.example.com/sms', params);
    expect(verifyTwilioSignature('t', withoutPort, 'https://hooks.example.com:443/sms', params)).toBe(true);
  });

  it('lists the URL variants to try', () => {
    expect(urlVariants('https://a.example/p?q=1')).toEqual(['https://a.example/p?q=1', 'https://a.example:443/p?q=1']);
    expect(urlVariants('http://127.0.0.1:8080/p')).toEqual(['http://127.0.0.1:8080/p', 'http://127.0.0.1/p']);
    expect(urlVariants('not a url')).toEqual(['not a url']);
  });
});

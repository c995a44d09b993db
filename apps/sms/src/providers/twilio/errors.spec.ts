import { SmsSendError } from '../provider.js';
import { classifyTwilioResponse, networkError } from './errors.js';

describe('classifyTwilioResponse', () => {
  it.each([
    [400, 21211, 'permanent'], // invalid To
    [400, 21610, 'permanent'], // recipient replied STOP
    [400, 21408, 'permanent'], // region not enabled
    [400, 21612, 'permanent'], // To not reachable from this From
    [400, 21614, 'permanent'], // not a mobile number
    [401, 20003, 'permanent'], // wrong credentials
    [404, 20404, 'permanent'],
    [400, 21611, 'transient'], // sender's queue is full
    [429, 20429, 'transient'],
    [500, 20500, 'transient'],
    [503, 20503, 'transient'],
  ])('HTTP %i code %i is %s, with the code', (status, code, kind) => {
    const err = classifyTwilioResponse(status, { code, message: 'words', status });
    expect(err).toBeInstanceOf(SmsSendError);
    expect(err.kind).toBe(kind);
    expect(err.code).toBe(String(code));
    expect(err.message).toContain('words');
  });

  it('classifies a body without a code by the HTTP status', () => {
    expect(classifyTwilioResponse(502, undefined)).toMatchObject({ kind: 'transient', code: 'http-502' });
    expect(classifyTwilioResponse(429, undefined)).toMatchObject({ kind: 'transient', code: 'http-429' });
    expect(classifyTwilioResponse(403, {})).toMatchObject({ kind: 'permanent', code: 'http-403' });
  });
});

describe('networkError', () => {
  it('is transient, with the socket error code or "timeout"', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(networkError(refused)).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
    expect(networkError(refused).message).toContain('ECONNREFUSED');
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(networkError(timeout)).toMatchObject({ kind: 'transient', code: 'timeout' });
    expect(networkError('weird')).toMatchObject({ kind: 'transient', code: 'network' });
  });
});

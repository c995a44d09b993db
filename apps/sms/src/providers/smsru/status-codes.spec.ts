import { SmsSendError } from '../provider.js';
import { classifySmsRuError, receiptStatus } from './status-codes.js';

describe('classifySmsRuError', () => {
  it.each([
    [200, 'permanent'], // wrong api_id
    [201, 'permanent'], // no funds
    [202, 'permanent'], // invalid number
    [203, 'permanent'],
    [204, 'permanent'], // sender name not approved
    [207, 'permanent'], // not allowed / no route
    [209, 'permanent'], // stop list
    [206, 'transient'], // daily limit
    [220, 'transient'], // service unavailable
    [230, 'transient'], // limit per number per day
    [231, 'transient'],
    [232, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
  ])('%i is %s, with the code and status_text', (code, kind) => {
    const err = classifySmsRuError(code, 'текст ошибки', '+79251234567');
    expect(err).toBeInstanceOf(SmsSendError);
    expect(err.kind).toBe(kind);
    expect(err.code).toBe(String(code));
    expect(err.message).toContain('текст ошибки');
    expect(err.message).toContain('+79251234567');
  });

  it('is permanent with code "unknown" without a code', () => {
    expect(classifySmsRuError(undefined, undefined)).toMatchObject({ kind: 'permanent', code: 'unknown' });
  });
});

describe('receiptStatus', () => {
  it('has no receipt for queued, handed over or unknown codes', () => {
    expect(receiptStatus(100)).toBeUndefined();
    expect(receiptStatus(101)).toBeUndefined();
    expect(receiptStatus(-1)).toBeUndefined();
    expect(receiptStatus(102)).toBe('sent');
    expect(receiptStatus(103)).toBe('delivered');
    expect(receiptStatus(150)).toBe('failed');
  });
});

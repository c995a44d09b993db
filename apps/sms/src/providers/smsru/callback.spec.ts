import { createHash } from 'node:crypto';
import { callbackEntries, callbackHash, lastPathSegment, parseCallbackEntries, safeEqual } from './callback.js';

const NOW = new Date('2024-05-01T10:00:00Z');
const T = 1714557600; // 2024-05-01T10:00:00Z

describe('callbackEntries', () => {
  it('reads data[] as URLSearchParams / querystring give it', () => {
    expect(callbackEntries({ 'data[]': ['a', 'b'], hash: 'h' })).toEqual(['a', 'b']);
    expect(callbackEntries({ 'data[]': 'a' })).toEqual(['a']);
  });

  it('reads data as qs (Express extended) gives it, array or indexed object', () => {
    expect(callbackEntries({ data: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(callbackEntries({ data: { 1: 'b', 0: 'a', 10: 'c', 2: 'x' } })).toEqual(['a', 'b', 'x', 'c']);
  });

  it('reads indexed data[N] fields in index order', () => {
    expect(callbackEntries({ 'data[10]': 'c', 'data[0]': 'a', 'data[2]': 'b', hash: 'h', other: 'z' })).toEqual(['a', 'b', 'c']);
  });

  it('finds nothing in a call without data', () => {
    expect(callbackEntries({})).toEqual([]);
    expect(callbackEntries({ hash: 'x' })).toEqual([]);
  });
});

describe('callbackHash', () => {
  it('is hex SHA-256 of the api_id and the entries concatenated, as in SMS.ru PHP example', () => {
    const expected = createHash('sha256').update('API-ID' + 'sms_status\n1-2\n103\n1' + 'sms_status\n1-3\n104\n2').digest('hex');
    expect(callbackHash('API-ID', ['sms_status\n1-2\n103\n1', 'sms_status\n1-3\n104\n2'])).toBe(expected);
  });
});

describe('lastPathSegment / safeEqual', () => {
  it('takes the last non-empty segment, decoded', () => {
    expect(lastPathSegment('https://sb.example/webhooks/sms/smsru/ch-1/s3cr%2Bt?x=1')).toBe('s3cr+t');
    expect(lastPathSegment('https://sb.example/webhooks/abc/')).toBe('abc');
    expect(lastPathSegment('https://sb.example/')).toBeUndefined();
    expect(lastPathSegment('nope')).toBeUndefined();
    expect(lastPathSegment('https://sb.example/%E0%A4%A')).toBe('%E0%A4%A');
  });

  it('compares strings of any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});

describe('parseCallbackEntries', () => {
  it('turns sms_status entries into receipts with their time', () => {
    const { receipts, inbound } = parseCallbackEntries(
      [`sms_status\n201737-1\n103\n${T}`, `sms_status\n201737-2\n102\n${T + 5}`, `sms_status\n201737-3\n105\n${T + 9}`],
      '+79990000000',
      NOW,
    );
    expect(inbound).toEqual([]);
    expect(receipts).toEqual([
      { providerMessageId: '201737-1', status: 'delivered', at: new Date(T * 1000) },
      { providerMessageId: '201737-2', status: 'sent', at: new Date((T + 5) * 1000) },
      { providerMessageId: '201737-3', status: 'failed', error: '105 cannot be delivered: deleted by the operator', at: new Date((T + 9) * 1000) },
    ]);
  });

  it.each([
    [102, 'sent'],
    [103, 'delivered'],
    [110, 'delivered'],
    [104, 'failed'],
    [105, 'failed'],
    [106, 'failed'],
    [107, 'failed'],
    [108, 'failed'],
    [150, 'failed'],
  ])('maps status %i to %s', (code, status) => {
    expect(parseCallbackEntries([`sms_status\nid\n${code}\n${T}`], '', NOW).receipts[0].status).toBe(status);
  });

  it('skips in-between statuses, malformed entries and other kinds', () => {
    const { receipts, inbound } = parseCallbackEntries(
      [`sms_status\nid\n100\n${T}`, `sms_status\nid\n101\n${T}`, 'sms_status\n\n103\n1', 'sms_status\nid\nabc\n1', 'callcheck_status\n201737-542\n401\n1', 'garbage', ''],
      '',
      NOW,
    );
    expect(receipts).toEqual([]);
    expect(inbound).toEqual([]);
  });

  it('uses the clock when the time is missing or bad, and accepts CRLF', () => {
    expect(parseCallbackEntries(['sms_status\nid\n103'], '', NOW).receipts[0].at).toEqual(NOW);
    expect(parseCallbackEntries(['sms_status\r\nid\r\n103\r\nxyz'], '', NOW).receipts[0]).toEqual({ providerMessageId: 'id', status: 'delivered', at: NOW });
  });

  it('reads sms_in entries, with multi-line text, addressed to the channel sender', () => {
    const { inbound } = parseCallbackEntries([`sms_in\n201737-9\n79251234567\nПривет!\nвторая строка 👋\n${T}`], '+79990000000', NOW);
    expect(inbound).toEqual([{ providerMessageId: '201737-9', from: '+79251234567', to: '+79990000000', text: 'Привет!\nвторая строка 👋', receivedAt: new Date(T * 1000) }]);
  });

  it('gives an sms_in without id a stable id, and one without time the clock', () => {
    const a = parseCallbackEntries([`sms_in\n\n79251234567\nhello\n${T}`], '', NOW).inbound[0];
    const b = parseCallbackEntries([`sms_in\n\n79251234567\nhello\n${T}`], '', NOW).inbound[0];
    expect(a.providerMessageId).toMatch(/^smsru-in-[0-9a-f]{24}$/);
    expect(a.providerMessageId).toBe(b.providerMessageId);
    expect(parseCallbackEntries(['sms_in\nx\n79251234567\nhello'], '', NOW).inbound[0]).toMatchObject({ text: 'hello', receivedAt: NOW });
    expect(parseCallbackEntries(['sms_in\nx\n\nhello\n1'], '', NOW).inbound).toEqual([]);
    expect(parseCallbackEntries(['sms_in\nx\n7925'], '', NOW).inbound).toEqual([]);
  });
});

import smpp from 'smpp';
import { encodeGsm7 } from '../../encoding/gsm7.js';
import { alphabetOf, interpretDeliverSm, parseReceiptText, receiptStatus, splitUdh, UnreadableDeliverError } from './deliver.js';
import { bindRefused, describeStatus, statusCode, submitFailureKind } from './status.js';

/** A deliver_sm as it arrives: encoded by the smpp package, then parsed (and decoded) by it. */
function wire(fields: Record<string, unknown>): smpp.PDU {
  const pdu = new smpp.PDU('deliver_sm', { source_addr_ton: 1, source_addr: '4917600000002', dest_addr_ton: 1, destination_addr: '4915100000001', ...fields });
  return new smpp.PDU(pdu.toBuffer());
}

const at = new Date('2025-03-03T10:00:00Z');

describe('interpretDeliverSm: inbound', () => {
  it('GSM-7 (data_coding 0) with the extension table and "@"', () => {
    const c = interpretDeliverSm(wire({ data_coding: 0, short_message: encodeGsm7('@home: {€5} ok') }), at);
    expect(c).toMatchObject({ kind: 'inbound', sms: { from: '+4917600000002', to: '+4915100000001', text: '@home: {€5} ok', receivedAt: at } });
    expect(c.kind === 'inbound' && c.sms.part).toBeUndefined();
  });

  it('IA5/ASCII (1), Latin-1 (3) and UCS-2 (8) as sent on the wire', () => {
    const ascii = interpretDeliverSm(wire({ data_coding: 1, short_message: Buffer.from('a@b_c$', 'ascii') }));
    expect(ascii.kind === 'inbound' && ascii.sms.text).toBe('a@b_c$');
    const latin = interpretDeliverSm(wire({ data_coding: 3, short_message: Buffer.from('Grüße ½', 'latin1') }));
    expect(latin.kind === 'inbound' && latin.sms.text).toBe('Grüße ½');
    const ucs = interpretDeliverSm(wire({ data_coding: 8, short_message: Buffer.from('Привет 😀', 'utf16le').swap16() }));
    expect(ucs.kind === 'inbound' && ucs.sms.text).toBe('Привет 😀');
  });

  it('a part with an 8-bit and with a 16-bit reference UDH', () => {
    const eight = interpretDeliverSm(wire({ esm_class: 0x40, data_coding: 0, short_message: Buffer.concat([Buffer.from([5, 0, 3, 0xab, 3, 2]), encodeGsm7('part two')]) }));
    expect(eight).toMatchObject({ kind: 'inbound', sms: { text: 'part two', part: { ref: 0xab, total: 3, seq: 2 } } });
    const sixteen = interpretDeliverSm(
      wire({ esm_class: 0x40, data_coding: 8, short_message: Buffer.concat([Buffer.from([6, 8, 4, 0x12, 0x34, 2, 1]), Buffer.from('Ж', 'utf16le').swap16()]) }),
    );
    expect(sixteen).toMatchObject({ kind: 'inbound', sms: { text: 'Ж', part: { ref: 0x1234, total: 2, seq: 1 } } });
  });

  it('sar_* TLVs and message_payload', () => {
    const c = interpretDeliverSm(
      wire({ data_coding: 0, short_message: Buffer.alloc(0), message_payload: encodeGsm7('via payload'), sar_msg_ref_num: 513, sar_total_segments: 2, sar_segment_seqnum: 2 }),
    );
    expect(c).toMatchObject({ kind: 'inbound', sms: { text: 'via payload', part: { ref: 513, total: 2, seq: 2 } } });
  });

  it('alphanumeric senders stay as sent; ids are stable for the same content', () => {
    const a = interpretDeliverSm(wire({ source_addr_ton: 5, source_addr: 'ACME', short_message: encodeGsm7('hi'), data_coding: 0 }));
    const b = interpretDeliverSm(wire({ source_addr_ton: 5, source_addr: 'ACME', short_message: encodeGsm7('hi'), data_coding: 0 }));
    const c = interpretDeliverSm(wire({ source_addr_ton: 5, source_addr: 'ACME', short_message: encodeGsm7('ho'), data_coding: 0 }));
    expect(a.kind === 'inbound' && a.sms.from).toBe('ACME');
    expect(a.kind === 'inbound' && a.sms.providerMessageId).toBe(b.kind === 'inbound' && b.sms.providerMessageId);
    expect(a.kind === 'inbound' && a.sms.providerMessageId).not.toBe(c.kind === 'inbound' && c.sms.providerMessageId);
  });
});

describe('interpretDeliverSm: receipts', () => {
  const text = (id: string, stat: string, err = '000') =>
    encodeGsm7(`id:${id} sub:001 dlvrd:001 submit date:2503031000 done date:2503031001 stat:${stat} err:${err} text:Hello`);

  it('esm_class 0x04 with the text only', () => {
    const c = interpretDeliverSm(wire({ esm_class: 0x04, data_coding: 0, short_message: text('5a0001ff', 'DELIVRD') }), at);
    expect(c).toEqual({ kind: 'receipt', stat: 'DELIVRD', err: '000', receipt: { providerMessageId: '5a0001ff', status: 'delivered', at } });
  });

  it('failed states carry stat and err', () => {
    for (const stat of ['UNDELIV', 'REJECTD', 'EXPIRED', 'DELETED']) {
      const c = interpretDeliverSm(wire({ esm_class: 0x04, data_coding: 0, short_message: text('77', stat, '0c1') }));
      expect(c).toMatchObject({ kind: 'receipt', receipt: { providerMessageId: '77', status: 'failed', error: `${stat} err:0c1` } });
    }
  });

  it('receipted_message_id and message_state TLVs win over the text', () => {
    const c = interpretDeliverSm(wire({ esm_class: 0x00, data_coding: 0, short_message: text('123', 'ENROUTE'), receipted_message_id: '7b', message_state: 2 }));
    expect(c).toMatchObject({ kind: 'receipt', receipt: { providerMessageId: '7b', status: 'delivered' } });
  });

  it('a receipt without an id is unreadable', () => {
    expect(() => interpretDeliverSm(wire({ esm_class: 0x04, data_coding: 0, short_message: encodeGsm7('stat:DELIVRD') }))).toThrow(UnreadableDeliverError);
  });

  it('parses receipt texts and maps their states', () => {
    expect(parseReceiptText('id:0123456789 sub:001 dlvrd:000 submit date:2503031000 done date:2503031010 stat:UNDELIV err:001 text:Hi there')).toEqual({
      id: '0123456789',
      sub: '001',
      dlvrd: '000',
      submitDate: '2503031000',
      doneDate: '2503031010',
      stat: 'UNDELIV',
      err: '001',
      text: 'Hi there',
    });
    expect(receiptStatus('DELIVRD')).toBe('delivered');
    expect(receiptStatus('REJECTD')).toBe('failed');
    expect(receiptStatus('ACCEPTD')).toBe('sent');
    expect(receiptStatus('ENROUTE')).toBe('sent');
  });
});

describe('data_coding and UDH helpers', () => {
  it('maps data_coding values to alphabets', () => {
    expect([0x00, 0x01, 0x03, 0x08, 0x04, 0xf0, 0xf4, 0x18, 0x11].map(alphabetOf)).toEqual(['gsm7', 'ascii', 'latin1', 'ucs2', 'binary', 'gsm7', 'binary', 'ucs2', 'gsm7']);
  });

  it('rejects a malformed UDH', () => {
    expect(splitUdh(Buffer.from([5, 0, 3, 1]))).toBeNull();
    expect(splitUdh(Buffer.from([3, 0, 3, 1]))).toBeNull();
  });
});

describe('command_status', () => {
  it('formats codes and names', () => {
    expect(statusCode(0x0b)).toBe('0x0000000B');
    expect(describeStatus(0x0e)).toBe('ESME_RINVPASWD (0x0000000E)');
    expect(describeStatus(0x400)).toBe('0x00000400');
  });

  it('classifies submit failures', () => {
    expect([0x58, 0x14, 0x08, 0x400].map(submitFailureKind)).toEqual(['transient', 'transient', 'transient', 'transient']);
    expect([0x0b, 0x0a, 0x01, 0x104].map(submitFailureKind)).toEqual(['permanent', 'permanent', 'permanent', 'permanent']);
  });

  it('tells a refused bind from a passing failure', () => {
    expect([0x0e, 0x0d, 0x0f].map(bindRefused)).toEqual([true, true, true]);
    expect([0x08, 0x05, 0x58].map(bindRefused)).toEqual([false, false, false]);
  });
});

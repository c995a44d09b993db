import { decodeGsm7, decodeUcs2, encodeGsm7, isGsm7 } from './gsm7.js';
import { concatUdh, encodeText, segmentPayload, segmentPayloads, SMPP_DATA_CODING } from './segments.js';

const EMOJI = '😀'; // U+1F600: a surrogate pair, 2 UCS-2 units

describe('encodeText', () => {
  it('plain ASCII is GSM-7, one unit per character, one segment', () => {
    const e = encodeText('Hello, world!');
    expect(e).toEqual({ encoding: 'gsm7', segments: ['Hello, world!'], units: 13 });
  });

  it('empty text: GSM-7, no segments, no units', () => {
    expect(encodeText('')).toEqual({ encoding: 'gsm7', segments: [], units: 0 });
  });

  it('the extension table counts 2 units per character', () => {
    const ext = '^{}\\[]~|€\f';
    const e = encodeText(ext);
    expect(e.encoding).toBe('gsm7');
    expect(e.units).toBe(20);
    expect(e.segments).toEqual([ext]);
  });

  it("'€' counts 2", () => {
    expect(encodeText('€').units).toBe(2);
    expect(encodeText('5 €').units).toBe(4);
  });

  it("'@' is septet 0x00 and '£$¥èéùìòÇ…' are all in GSM-7", () => {
    expect(encodeGsm7('@')).toEqual(Buffer.from([0x00]));
    const latin = '£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà';
    const e = encodeText(latin);
    expect(e.encoding).toBe('gsm7');
    expect(e.units).toBe([...latin].length);
    expect(encodeGsm7('£$¥èéùìòÇ')).toEqual(Buffer.from([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09]));
  });

  it('one character outside GSM-7 switches the whole text to UCS-2', () => {
    const e = encodeText('Your order ships today ✓');
    expect(e.encoding).toBe('ucs2');
    expect(e.units).toBe(24);
    // In UCS-2 the extension characters are ordinary characters again: 1 unit.
    expect(encodeText('€ ✓').units).toBe(3);
    // Characters that look Latin but are not in the GSM alphabet (ç lower case, á, ô).
    expect(encodeText('ça').encoding).toBe('ucs2');
    expect(encodeText('á').encoding).toBe('ucs2');
    expect(isGsm7('Ç')).toBe(true);
  });

  it('Cyrillic is UCS-2: 70 units in one SMS, 67 per segment beyond', () => {
    const seventy = 'Я'.repeat(70);
    expect(encodeText(seventy)).toEqual({ encoding: 'ucs2', segments: [seventy], units: 70 });
    const e = encodeText('Ж'.repeat(71));
    expect(e.encoding).toBe('ucs2');
    expect(e.segments.map((s) => s.length)).toEqual([67, 4]);
  });

  it('an emoji is UCS-2 and counts 2 units', () => {
    const e = encodeText(`ok ${EMOJI}`);
    expect(e).toEqual({ encoding: 'ucs2', segments: [`ok ${EMOJI}`], units: 5 });
  });

  it('GSM-7: 160 units is one SMS, 161 is two segments of 153 + 8', () => {
    const a160 = 'a'.repeat(160);
    expect(encodeText(a160).segments).toEqual([a160]);
    const e = encodeText('a'.repeat(161));
    expect(e.units).toBe(161);
    expect(e.segments.map((s) => s.length)).toEqual([153, 8]);
    // 80 extension characters = 160 units: still one SMS; 81 are not.
    expect(encodeText('€'.repeat(80)).segments).toHaveLength(1);
    expect(encodeText('€'.repeat(81)).segments).toHaveLength(2);
  });

  it('UCS-2: 70 units is one SMS, 71 is two segments of 67 + 4', () => {
    expect(encodeText('ü✓'.repeat(35)).segments).toHaveLength(1);
    const e = encodeText(`✓${'ü'.repeat(70)}`);
    expect(e.units).toBe(71);
    expect(e.segments.map((s) => s.length)).toEqual([67, 4]);
  });

  it('segments are 153 (GSM-7) / 67 (UCS-2) units and join to the text', () => {
    const gsm = 'x'.repeat(153 * 3 + 10);
    const g = encodeText(gsm);
    expect(g.segments.map((s) => s.length)).toEqual([153, 153, 153, 10]);
    expect(g.segments.join('')).toBe(gsm);
    const ucs = 'ы'.repeat(67 * 2 + 1);
    const u = encodeText(ucs);
    expect(u.segments.map((s) => s.length)).toEqual([67, 67, 1]);
    expect(u.segments.join('')).toBe(ucs);
  });

  it('never splits an extension pair: the segment ends one unit early', () => {
    // 152 plain units, then '€' (2 units) would straddle the 153 boundary.
    const text = `${'a'.repeat(152)}€${'b'.repeat(20)}`;
    const e = encodeText(text);
    expect(e.segments[0]).toBe('a'.repeat(152));
    expect(e.segments[1].startsWith('€')).toBe(true);
    expect(e.segments.join('')).toBe(text);
    expect(segmentPayload(e, 0)).toHaveLength(152);
    expect([...segmentPayload(e, 1).subarray(0, 2)]).toEqual([0x1b, 0x65]);
  });

  it('never splits a surrogate pair: the segment ends one unit early', () => {
    const text = `${'ж'.repeat(66)}${EMOJI}${'ж'.repeat(10)}`;
    const e = encodeText(text);
    expect(e.segments[0]).toBe('ж'.repeat(66));
    expect(e.segments[1].startsWith(EMOJI)).toBe(true);
    expect(e.segments.join('')).toBe(text);
    for (const s of e.segments) expect(s).not.toMatch(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/);
    // Many emoji: every segment holds whole pairs only (66 units = 33 emoji).
    const emojis = encodeText(EMOJI.repeat(40));
    expect(emojis.units).toBe(80);
    expect(emojis.segments.map((s) => s.length)).toEqual([66, 14]);
  });

  it('keeps a given concatenation reference and rejects a bad one', () => {
    expect(encodeText('hi', { concatRef: 7 }).concatRef).toBe(7);
    expect(() => encodeText('hi', { concatRef: 256 })).toThrow(RangeError);
  });
});

describe('SMPP payloads', () => {
  it('GSM-7: unpacked septets, extension characters as 0x1B + code, data_coding 0x00', () => {
    const e = encodeText('@A{€}\n');
    expect(SMPP_DATA_CODING[e.encoding]).toBe(0x00);
    expect([...segmentPayload(e, 0)]).toEqual([0x00, 0x41, 0x1b, 0x28, 0x1b, 0x65, 0x1b, 0x29, 0x0a]);
    expect(decodeGsm7(segmentPayload(e, 0))).toBe('@A{€}\n');
  });

  it('UCS-2: UTF-16BE, surrogate pairs kept, data_coding 0x08', () => {
    const e = encodeText(`Я${EMOJI}`);
    expect(SMPP_DATA_CODING[e.encoding]).toBe(0x08);
    expect([...segmentPayload(e, 0)]).toEqual([0x04, 0x2f, 0xd8, 0x3d, 0xde, 0x00]);
    expect(decodeUcs2(segmentPayload(e, 0))).toBe(`Я${EMOJI}`);
  });

  it('one payload per segment, each within 140 octets with the UDH', () => {
    for (const text of ['€'.repeat(200), 'a'.repeat(400), 'Ё'.repeat(300), EMOJI.repeat(100)]) {
      const e = encodeText(text);
      const payloads = segmentPayloads(e);
      expect(payloads).toHaveLength(e.segments.length);
      const decoded = payloads.map((p) => (e.encoding === 'gsm7' ? decodeGsm7(p) : decodeUcs2(p))).join('');
      expect(decoded).toBe(text);
      for (const p of payloads) {
        const octets = e.encoding === 'gsm7' ? Math.ceil((p.length * 7) / 8) : p.length;
        expect(octets + 6).toBeLessThanOrEqual(140);
      }
    }
  });

  it('decodes what handsets send: unknown escapes show the base character', () => {
    expect(decodeGsm7(Buffer.from([0x1b, 0x41, 0x1b]))).toBe('A');
    expect(() => encodeGsm7('✓')).toThrow(RangeError);
  });

  it('builds the concatenation UDH', () => {
    expect([...concatUdh(0x1a2, 3, 2)]).toEqual([0x05, 0x00, 0x03, 0xa2, 3, 2]);
  });
});

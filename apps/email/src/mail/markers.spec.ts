import {
  addMarker,
  assertMarkerFormat,
  bodyMarkerHtml,
  DEFAULT_MARKER_FORMAT,
  findBodyMarker,
  findSubjectMarker,
  formatMarker,
  InvalidMarkerFormatError,
  isForwardSubject,
  REPLY_SEPARATOR,
  separatorHtml,
  separatorText,
  stripSubjectPrefixes,
  textAboveSeparator,
} from './markers.js';

describe('formatMarker', () => {
  it('puts the number into the format', () => {
    expect(formatMarker(DEFAULT_MARKER_FORMAT, 123)).toBe('[#123]');
    expect(formatMarker('[Ticket#{number}]', 7)).toBe('[Ticket#7]');
    expect(formatMarker('(SB-{number})', 42)).toBe('(SB-42)');
  });

  it.each([['no placeholder'], ['[#{number}{number}]'], ['{number}'], ['[#1{number}]'], ['[#{number}9]'], ['a\n{number}']])(
    'rejects the format %j',
    (format) => {
      expect(() => formatMarker(format, 1)).toThrow(InvalidMarkerFormatError);
      expect(() => assertMarkerFormat(format)).toThrow(InvalidMarkerFormatError);
    },
  );

  it.each([0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN])('rejects the ticket number %p', (n) => {
    expect(() => formatMarker(DEFAULT_MARKER_FORMAT, n)).toThrow(RangeError);
  });
});

describe('findSubjectMarker', () => {
  it.each([
    ['[#123] Printer broken', 123],
    ['Re: AW: [#123] Printer broken', 123],
    ['RE: Fwd: [ # 123 ] Printer', 123],
    ['SV: Antw: Printer [#123]', 123],
    ['Ответ: [#55] Принтер', 55],
    ['返信: ［＃９００２］ 請求書', 9002],
    ['Re:[#1]', 1],
    ['Printer broken', undefined],
    ['[#] no number', undefined],
    ['[#0] zero is no ticket', undefined],
    ['[#1234567890123456] too many digits', undefined],
    ['#123 without brackets', undefined],
    ['', undefined],
  ])('%j → %p', (subject, n) => {
    expect(findSubjectMarker(DEFAULT_MARKER_FORMAT, subject)).toBe(n);
  });

  it('reads a custom format, mangled', () => {
    const format = '[Ticket#{number}]';
    expect(findSubjectMarker(format, 'Re: [Ticket#4711] x')).toBe(4711);
    expect(findSubjectMarker(format, 'RE: [ticket #4711] x')).toBe(4711);
    expect(findSubjectMarker(format, 'RE: [ Ticket # 4711 ] x')).toBe(4711);
    expect(findSubjectMarker(format, 'Re: [#4711] x')).toBeUndefined();
  });

  it('does not read a word-like marker inside a longer word', () => {
    expect(findSubjectMarker('SB-{number}', 'ASB-12 release')).toBeUndefined();
    expect(findSubjectMarker('SB-{number}', 'Re: SB-12 release')).toBe(12);
    expect(findSubjectMarker('SB-{number}', 'Re: SB-123456 x')).toBe(123456);
  });

  it('takes the first marker when there are several', () => {
    expect(findSubjectMarker(DEFAULT_MARKER_FORMAT, 'Re: [#12] Fwd: [#34] x')).toBe(12);
  });

  it('does not treat regular-expression characters in the format as syntax', () => {
    expect(findSubjectMarker('(+{number}.*)', 'Re: (+5.*) hi')).toBe(5);
    expect(findSubjectMarker('(+{number}.*)', 'Re: (+5xx) hi')).toBeUndefined();
  });
});

describe('addMarker', () => {
  it.each([
    ['Printer broken', '[#123] Printer broken'],
    ['Re: AW: Printer broken', 'Re: [#123] Printer broken'],
    ['RE: Re[2]: AW: Printer', 'Re: [#123] Printer'],
    ['Fwd: Invoice', '[#123] Invoice'],
    ['Re: Fwd: Invoice', 'Re: [#123] Invoice'],
    ['Re: [#123] Printer broken', 'Re: [#123] Printer broken'],
    ['[#123] Printer broken', '[#123] Printer broken'],
    ['Re: [#99] Printer broken', 'Re: [#123] Printer broken'],
    ['', '[#123]'],
    ['  Printer\r\n broken  ', '[#123] Printer broken'],
  ])('%j → %j', (subject, want) => {
    expect(addMarker(subject, DEFAULT_MARKER_FORMAT, 123)).toBe(want);
  });

  it('adds once, however often it is applied', () => {
    const once = addMarker('Re: Printer', '[Ticket#{number}]', 5);
    expect(addMarker(addMarker(once, '[Ticket#{number}]', 5), '[Ticket#{number}]', 5)).toBe(once);
    expect(once).toBe('Re: [Ticket#5] Printer');
  });

  it('adds Re: when asked to and it is missing', () => {
    expect(addMarker('Printer', DEFAULT_MARKER_FORMAT, 1, { reply: true })).toBe('Re: [#1] Printer');
    expect(addMarker('[#1] Printer', DEFAULT_MARKER_FORMAT, 1, { reply: true })).toBe('Re: [#1] Printer');
    expect(addMarker('AW: [#1] Printer', DEFAULT_MARKER_FORMAT, 1, { reply: true })).toBe('AW: [#1] Printer');
  });

  it('copes with an undefined subject', () => {
    expect(addMarker(undefined, DEFAULT_MARKER_FORMAT, 8)).toBe('[#8]');
  });
});

describe('subject prefixes', () => {
  it('strips chains of reply and forward prefixes in several languages', () => {
    expect(stripSubjectPrefixes('RE: Fwd: SV: Antw: WG: Ответ: Hello')).toEqual({ rest: 'Hello', replied: true });
    expect(stripSubjectPrefixes('Fwd: TR: Hello')).toEqual({ rest: 'Hello', replied: false });
    expect(stripSubjectPrefixes('Re : Hello')).toEqual({ rest: 'Hello', replied: true });
    expect(stripSubjectPrefixes('Regarding: Hello')).toEqual({ rest: 'Regarding: Hello', replied: false });
    expect(stripSubjectPrefixes('Research results')).toEqual({ rest: 'Research results', replied: false });
  });

  it('tells forwards from replies by the first prefix', () => {
    expect(isForwardSubject('Fwd: Re: Hello')).toBe(true);
    expect(isForwardSubject('WG: Rechnung')).toBe(true);
    expect(isForwardSubject('Re: Fwd: Hello')).toBe(false);
    expect(isForwardSubject('Hello')).toBe(false);
    expect(isForwardSubject(undefined)).toBe(false);
  });
});

describe('reply separator and body marker', () => {
  it('writes the separator with the ticket reference', () => {
    expect(separatorText()).toBe(REPLY_SEPARATOR);
    expect(separatorText(77)).toBe(`${REPLY_SEPARATOR} [ref:77]`);
    expect(separatorHtml(77)).toContain('[ref:77]');
    expect(bodyMarkerHtml(77)).toMatch(/^<div style="display:none[^"]*" data-switchboard-ticket="77"><\/div>$/);
  });

  it('finds what it writes, in text and HTML', () => {
    expect(findBodyMarker(undefined, bodyMarkerHtml(12))).toBe(12);
    expect(findBodyMarker(undefined, separatorHtml(13))).toBe(13);
    expect(findBodyMarker(`Thanks\n\n> ${separatorText(14)}\n> old`, undefined)).toBe(14);
    expect(findBodyMarker(`Thanks\n\n${REPLY_SEPARATOR}\n[ref:15]`, undefined)).toBe(15);
  });

  it('reads the reference through the markup clients wrap it in', () => {
    const html = `<blockquote><div>##- Please type your reply above this line -##</div>&nbsp;<span>[ref:16]</span></blockquote>`;
    expect(findBodyMarker('', html)).toBe(16);
    expect(findBodyMarker('', `<div data-switchboard-ticket='17'></div>`)).toBe(17);
  });

  it('prefers the hidden element, and ignores a [ref:] that is not ours', () => {
    expect(findBodyMarker(`${REPLY_SEPARATOR} [ref:2]`, bodyMarkerHtml(1))).toBe(1);
    expect(findBodyMarker('see [ref:99] in the other system', '<p>[ref:99]</p>')).toBeUndefined();
    expect(findBodyMarker('', '')).toBeUndefined();
    expect(findBodyMarker(`${REPLY_SEPARATOR} [ref:0]`, undefined)).toBeUndefined();
  });

  it('returns the text above the separator', () => {
    const text = ['Thanks, fixed!', '', 'On Mon, Support wrote:', '>', `> ${separatorText(5)}`, '> old text'].join('\n');
    expect(textAboveSeparator(text)).toBe('Thanks, fixed!\n\nOn Mon, Support wrote:');
    expect(textAboveSeparator(`${REPLY_SEPARATOR}\nold`)).toBe('');
    expect(textAboveSeparator('no separator here')).toBeUndefined();
    expect(textAboveSeparator(undefined)).toBeUndefined();
    expect(textAboveSeparator('Ok\r\n\r\n##- please type your reply ABOVE this line -##')).toBe('Ok');
  });
});

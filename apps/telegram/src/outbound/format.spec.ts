import { escapeTelegramHtml, MESSAGE_LIMIT, sendsAsPhoto, splitText } from './format.js';

describe('escapeTelegramHtml', () => {
  it('escapes what Telegram’s HTML parser reads as markup, and nothing else', () => {
    expect(escapeTelegramHtml('a < b && c > d "q" \'s\'')).toBe('a &lt; b &amp;&amp; c &gt; d "q" \'s\'');
    expect(escapeTelegramHtml('<b>not bold</b>')).toBe('&lt;b&gt;not bold&lt;/b&gt;');
  });
});

describe('splitText', () => {
  it('keeps short text whole and gives nothing for blank text', () => {
    expect(splitText('hello')).toEqual(['hello']);
    expect(splitText('  \n ')).toEqual([]);
  });

  it('cuts long text into pieces within the limit, at paragraph or line breaks when it can', () => {
    const para = 'x'.repeat(3500);
    const pieces = splitText(`${para}\n\n${para}\n${para}`);
    expect(pieces).toEqual([para, para, para]);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  });

  it('cuts at a space near the end, else hard at the limit, and loses no characters', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
    const pieces = splitText(words, 100);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(100);
    expect(pieces.join(' ')).toBe(words);
    const solid = 'y'.repeat(250);
    expect(splitText(solid, 100)).toEqual(['y'.repeat(100), 'y'.repeat(100), 'y'.repeat(50)]);
  });

  it('never cuts an emoji in two', () => {
    const text = 'a' + '😀'.repeat(100);
    const pieces = splitText(text, 10);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(10);
      expect(p).not.toMatch(/[\ud800-\udbff]$/);
      expect(p).not.toMatch(/^[\udc00-\udfff]/);
    }
    expect(pieces.join('')).toBe(text);
  });
});

describe('sendsAsPhoto', () => {
  it('sends small JPEG/PNG/WebP as photos and everything else as documents', () => {
    expect(sendsAsPhoto('image/jpeg', 1000)).toBe(true);
    expect(sendsAsPhoto('image/png', 1000)).toBe(true);
    expect(sendsAsPhoto('image/gif', 1000)).toBe(false);
    expect(sendsAsPhoto('image/jpeg', 11 * 1024 * 1024)).toBe(false);
    expect(sendsAsPhoto('application/pdf', 1000)).toBe(false);
  });
});

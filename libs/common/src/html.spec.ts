import { htmlToText, sanitizeMessageHtml } from './html.js';

describe('sanitizeMessageHtml', () => {
  it('drops scripts, handlers and javascript: links', () => {
    const out = sanitizeMessageHtml('<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">x</a><img src="cid:logo" onerror="y()"></p>');
    expect(out).not.toMatch(/script|onclick|onerror|javascript/);
    expect(out).toContain('<img src="cid:logo" />');
  });

  it('keeps formatting and makes links safe', () => {
    expect(sanitizeMessageHtml('<b>bold</b> <a href="https://example.com">site</a>')).toBe(
      '<b>bold</b> <a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">site</a>',
    );
  });
});

describe('htmlToText', () => {
  it('turns blocks into lines and decodes entities', () => {
    expect(htmlToText('<p>Hello &amp; welcome</p><p>Line&nbsp;two<br>three</p>')).toBe('Hello & welcome\nLine two\nthree');
  });
});

import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { BLOCKED_IMAGE_PLACEHOLDER, htmlBodyToText, parseMail, safeMessageHtml } from './parse.js';

const opts = { maxAttachmentBytes: 1024, maxTextChars: 10_000 };
const mail = (...lines: string[]) => Buffer.from(lines.join('\r\n'));

const simple = mail(
  'From: "Ann Example" <Ann@Example.ORG>',
  'To: help@support.example.com, Bob <BOB@example.net>',
  'Cc: carol@example.org',
  'Reply-To: ann.private@example.org',
  'Subject: =?UTF-8?Q?Dr=C3=BCcker?= =?UTF-8?Q?_kaputt?=',
  'Date: Mon, 3 Mar 2025 10:00:00 +0100',
  'Message-ID: <abc@example.org>',
  'In-Reply-To: <prev@support.example.com> (Support\'s message of Monday)',
  'References: <first@support.example.com>',
  '',
  'Hello, the printer is broken.',
  '',
);

describe('parseMail', () => {
  it('reads the envelope of a simple mail', async () => {
    const p = await parseMail(simple, opts);
    expect(p).toMatchObject({
      messageId: '<abc@example.org>',
      messageIdGenerated: false,
      from: { address: 'ann@example.org', name: 'Ann Example' },
      to: [
        { address: 'help@support.example.com', name: '' },
        { address: 'bob@example.net', name: 'Bob' },
      ],
      cc: [{ address: 'carol@example.org', name: '' }],
      replyTo: [{ address: 'ann.private@example.org', name: '' }],
      subject: 'Drücker kaputt',
      inReplyTo: '<prev@support.example.com>',
      references: ['<first@support.example.com>'],
      text: 'Hello, the printer is broken.',
      textTruncated: false,
      attachments: [],
      droppedAttachments: [],
      contentType: 'text/plain',
      isReport: false,
      problems: [],
    });
    expect(p.date?.toISOString()).toBe('2025-03-03T09:00:00.000Z');
    expect(p.html).toBeUndefined();
  });

  it('parses a stream the same as a buffer, strings and all', async () => {
    const fromBuffer = await parseMail(simple, opts);
    const fromStream = await parseMail(Readable.from([simple.subarray(0, 10), simple.subarray(10, 11), simple.subarray(11)]), opts);
    expect(fromStream).toEqual(fromBuffer);
    const fromStrings = await parseMail(Readable.from([simple.toString('latin1')]), opts);
    expect(fromStrings.subject).toBe('Drücker kaputt');
  });

  it('generates a stable Message-ID from the source when the mail has none', async () => {
    const raw = mail('From: a@example.org', 'Subject: x', '', 'body');
    const first = await parseMail(raw, opts);
    const again = await parseMail(Readable.from([raw]), opts);
    const other = await parseMail(mail('From: a@example.org', 'Subject: y', '', 'body'), opts);
    expect(first.messageId).toMatch(/^<[0-9a-f]{40}@generated\.invalid>$/);
    expect(first.messageIdGenerated).toBe(true);
    expect(again.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
    expect(first.problems).toContain('no Message-ID; generated one from the source');
  });

  it('wraps a Message-ID missing its brackets and reads several References lines', async () => {
    const p = await parseMail(
      mail('From: a@example.org', 'Message-ID: bare@example.org', 'References: <a@x>', ' <b@x>  <c@x>', 'References: <d@x>', '', 'x'),
      opts,
    );
    expect(p.messageId).toBe('<bare@example.org>');
    expect(p.references).toEqual(['<a@x>', '<b@x>', '<c@x>', '<d@x>']);
  });

  it('keeps attachments under the limit and drops larger ones while they stream', async () => {
    const small = Buffer.alloc(1000, 1);
    const big = Buffer.alloc(5 * 1024 * 1024, 2);
    const raw = mail(
      'From: a@example.org',
      'Message-ID: <att@example.org>',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Two files.',
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment; filename="small.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      small.toString('base64'),
      '--b',
      'Content-Type: video/mp4',
      'Content-Disposition: attachment; filename="../../etc/big.mp4"',
      'Content-Transfer-Encoding: base64',
      '',
      big.toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--b',
      'Content-Type: image/png',
      'Content-ID: <logo@x>',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('png').toString('base64'),
      '--b--',
      '',
    );
    const p = await parseMail(raw, opts);
    expect(p.attachments.map(({ content, ...a }) => ({ ...a, bytes: content.length }))).toEqual([
      { filename: 'small.bin', contentType: 'application/octet-stream', size: 1000, bytes: 1000, inline: false },
      { filename: 'attachment-3.png', contentType: 'image/png', size: 3, bytes: 3, contentId: 'logo@x', inline: false },
    ]);
    expect(p.droppedAttachments).toEqual([{ filename: 'big.mp4', contentType: 'video/mp4', size: big.length, reason: 'too-large' }]);
  });

  it('keeps large attachments byte for byte, from a Buffer or a stream, up to exactly the limit', async () => {
    const one = randomBytes(3 * 1024 * 1024 + 17);
    const two = randomBytes(1024 * 1024 + 1);
    const part = (name: string, b: Buffer) => [
      '--b',
      `Content-Type: application/octet-stream`,
      `Content-Disposition: attachment; filename="${name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      b.toString('base64').replace(/.{76}/g, '$&\r\n'),
    ];
    const raw = mail('From: a@example.org', 'Message-ID: <large@example.org>', 'Content-Type: multipart/mixed; boundary=b', '', ...part('one.bin', one), ...part('two.bin', two), '--b--', '');
    const limit = { maxAttachmentBytes: one.length, maxTextChars: 10_000 };
    for (const source of [raw, Readable.from([raw.subarray(0, 1000), raw.subarray(1000)])]) {
      const p = await parseMail(source, limit);
      expect(p.attachments.map((a) => [a.filename, a.size, a.content.length])).toEqual([
        ['one.bin', one.length, one.length],
        ['two.bin', two.length, two.length],
      ]);
      expect(p.attachments[0].content.equals(one)).toBe(true);
      expect(p.attachments[1].content.equals(two)).toBe(true);
    }
    const over = await parseMail(raw, { ...limit, maxAttachmentBytes: one.length - 1 });
    expect(over.attachments.map((a) => a.filename)).toEqual(['two.bin']);
    expect(over.droppedAttachments).toEqual([{ filename: 'one.bin', contentType: 'application/octet-stream', size: one.length, reason: 'too-large' }]);
  });

  it('cuts long text and says so', async () => {
    const p = await parseMail(mail('From: a@example.org', '', 'x'.repeat(50)), { maxAttachmentBytes: 10, maxTextChars: 20 });
    expect(p.text).toBe('x'.repeat(20));
    expect(p.textTruncated).toBe(true);
    const emoji = await parseMail(mail('From: a@example.org', 'Content-Type: text/plain; charset=utf-8', '', `${'a'.repeat(19)}😀😀`), {
      maxAttachmentBytes: 10,
      maxTextChars: 20,
    });
    expect(emoji.text).toBe('a'.repeat(19));
  });

  it('sanitises the HTML, blocks remote images and keeps cid: and data: ones', async () => {
    const html =
      '<p onclick="x()">Hi <a href="javascript:alert(1)">a</a><a href="https://ok.example">b</a></p><script>alert(1)</script>' +
      '<img src="https://t.example/p.gif?a=1&amp;b=2" alt="pixel"><img src="cid:logo@x"><img src="data:image/png;base64,iVBORw0KGgo=">' +
      '<div style="display:none">preheader</div><div data-switchboard-ticket="31" style="display:none"></div>';
    const p = await parseMail(mail('From: a@example.org', 'Content-Type: text/html; charset=utf-8', '', html), opts);
    expect(p.html).toBe(
      '<p>Hi <a rel="noopener noreferrer nofollow" target="_blank">a</a><a href="https://ok.example" rel="noopener noreferrer nofollow" target="_blank">b</a></p>' +
        `<img src="${BLOCKED_IMAGE_PLACEHOLDER}" alt="pixel" data-remote-src="https://t.example/p.gif?a=1&amp;b=2" /><img src="cid:logo@x" /><img src="data:image/png;base64,iVBORw0KGgo=" />`,
    );
    expect(p.text).toBe('Hi ab');
    expect(p.bodyMarker).toBe(31);
  });

  it('converts HTML to text when the text part is empty', async () => {
    const raw = mail(
      'From: a@example.org',
      'Content-Type: multipart/alternative; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      '   ',
      '--b',
      'Content-Type: text/html',
      '',
      '<h1>Title</h1><p>First\r\n   paragraph</p><pre>  keep\r\n    this</pre><ul><li>one</li><li>two</li></ul>',
      '--b--',
    );
    const p = await parseMail(raw, opts);
    expect(p.text).toBe('Title\nFirst paragraph\n  keep\n    this\none\ntwo');
  });

  it('leaves out HTML that is too long once sanitised', async () => {
    const p = await parseMail(mail('From: a@example.org', 'Content-Type: text/html', '', `<p>${'word '.repeat(10)}</p>`), { maxAttachmentBytes: 10, maxTextChars: 40 });
    expect(p.html).toBeUndefined();
    expect(p.text.length).toBeLessThanOrEqual(40);
    expect(p.problems).toContain('sanitised HTML too long; left out');
  });

  it('removes NUL and other control characters', async () => {
    const p = await parseMail(mail('From: "A\u0001nn" <a@example.org>', 'Subject: a\u0000b', '', 'x\u0000y\u0007z\tok'), opts);
    expect(p.subject).toBe('ab');
    expect(p.from?.name).toBe('Ann');
    expect(p.text).toBe('xyz\tok');
  });

  it('reads raw 8-bit header bytes in the charset the message declares', async () => {
    const raw = Buffer.concat([
      Buffer.from('From: a@example.org\r\nSubject: '),
      Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]),
      Buffer.from('\r\nContent-Type: text/plain; charset=windows-1251\r\n\r\nx'),
    ]);
    const p = await parseMail(raw, opts);
    expect(p.subject).toBe('Привет');
    expect(p.problems).toContain('raw 8-bit bytes in 1 header(s) (subject); read as windows-1251');
  });

  it('reports an unreadable date and a missing sender', async () => {
    const p = await parseMail(mail('Sender: Bot <bot@example.org>', 'Date: yesterday-ish', '', 'x'), opts);
    expect(p.date).toBeUndefined();
    expect(p.from).toEqual({ address: 'bot@example.org', name: 'Bot' });
    expect(p.problems).toEqual(expect.arrayContaining(['no From header', 'unreadable Date: yesterday-ish']));
  });

  it('keeps an internationalised domain in its ASCII form', async () => {
    const p = await parseMail(mail('From: user@xn--mller-kva.example', '', 'x'), opts);
    expect(p.from?.address).toBe('user@xn--mller-kva.example');
  });

  it('returns what it read when the source fails half-way', async () => {
    const source = new PassThrough();
    const parsing = parseMail(source, opts);
    source.write(mail('From: a@example.org', 'Subject: cut', 'Message-ID: <cut@example.org>', '', 'Hello'));
    setImmediate(() => source.destroy(new Error('connection reset')));
    const p = await parsing;
    expect(p.subject).toBe('cut');
    expect(p.problems).toContain('reading the source: connection reset');
  });

  it('gives up on a source that never ends', async () => {
    const source = new PassThrough();
    // More than the 64 KB mailparser buffers before it starts, so the headers get through.
    source.write(mail('From: a@example.org', 'Subject: stuck', '', 'partial '.repeat(10_000)));
    const p = await parseMail(source, { ...opts, timeoutMs: 200 });
    expect(p.subject).toBe('stuck');
    expect(p.problems).toContain('parsing did not finish within 200 ms');
    source.destroy();
  });
});

describe('HTML helpers', () => {
  it('safeMessageHtml blocks remote images and keeps attached ones', () => {
    expect(safeMessageHtml('<img src="cid:a"><img src="HTTPS://A.example/b.png" width="3"><img src="//cdn.example/x.png">')).toBe(
      `<img src="cid:a" /><img src="${BLOCKED_IMAGE_PLACEHOLDER}" width="3" data-remote-src="HTTPS://A.example/b.png" /><img />`,
    );
  });

  it('safeMessageHtml drops Outlook conditional comments and hidden elements', () => {
    const html = '<!--[if gte mso 9]><xml><o:shapedefaults/></xml><![endif]--><p class="MsoNormal">Hi<o:p></o:p></p><span hidden="">secret</span>';
    expect(safeMessageHtml(html)).toBe('<p>Hi</p>');
  });

  it('htmlBodyToText keeps table cells apart and drops styles', () => {
    expect(htmlBodyToText('<style>p{color:red}</style><table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>')).toBe('a b\nc');
  });
});

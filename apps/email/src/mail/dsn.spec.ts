import { isDaemonAddress, parseBounce, type BounceSource } from './dsn.js';
import { parseMail } from './parse.js';

const opts = { maxAttachmentBytes: 1024 * 1024, maxTextChars: 100_000 };
const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'));

const base: BounceSource = { isReport: false, subject: '', text: '', headers: {}, attachments: [] };

describe('parseBounce: delivery status notifications', () => {
  it('reads the failed recipient of a multi-recipient report and the original Message-ID', async () => {
    const raw = crlf(
      'From: MAILER-DAEMON@mx.example.com (Mail Delivery System)',
      'To: help@support.example.com',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn-1@mx.example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type="delivery-status"; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Delivery to one recipient failed.',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.com',
      '',
      'Final-Recipient: rfc822; ok@example.org',
      'Action: delivered',
      'Status: 2.0.0',
      '',
      'Final-Recipient: RFC822; <Gone@Example.org>',
      'Action: failed',
      'Status: 5.1.1 (user unknown)',
      'Diagnostic-Code: smtp; 550-5.1.1 The email account',
      '    does not exist.',
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      'From: help@support.example.com',
      'Message-ID: <t5.ma1.0123456789abcdef@support.example.com>',
      'Subject: x',
      '--b--',
      '',
    );
    const parsed = await parseMail(raw, opts);
    expect(parsed.isReport).toBe(true);
    expect(parsed.report?.type).toBe('delivery-status');
    expect(parsed.attachments).toEqual([]);
    expect(parseBounce(parsed)).toEqual({
      action: 'failed',
      status: '5.1.1',
      diagnosticCode: '550-5.1.1 The email account does not exist.',
      recipient: 'gone@example.org',
      originalMessageId: '<t5.ma1.0123456789abcdef@support.example.com>',
    });
    expect(parsed.bounce).toEqual(parseBounce(parsed));
  });

  it('reports a delay', () => {
    const bounce = parseBounce({
      ...base,
      isReport: true,
      report: {
        type: 'delivery-status',
        deliveryStatus: 'Reporting-MTA: dns; a.example\n\nFinal-Recipient: rfc822;slow@example.org\nAction: delayed\nStatus: 4.4.7\n',
      },
      inReplyTo: '<orig@support.example.com>',
    });
    expect(bounce).toEqual({ action: 'delayed', status: '4.4.7', recipient: 'slow@example.org', originalMessageId: '<orig@support.example.com>' });
  });

  it('falls back to the text when the machine-readable part is missing', () => {
    const bounce = parseBounce({
      ...base,
      isReport: true,
      report: { type: 'delivery-status' },
      text: 'Delivery failed.\n\n<someone@example.org>:\n550 5.1.1 mailbox unavailable\n',
    });
    expect(bounce).toMatchObject({ action: 'failed', status: '5.1.1', recipient: 'someone@example.org', diagnosticCode: '550 5.1.1 mailbox unavailable' });
  });

  it('is not a bounce when it is another kind of report', () => {
    expect(parseBounce({ ...base, isReport: true, report: { type: 'disposition-notification' }, from: { address: 'mailer-daemon@x.example', name: '' } })).toBeUndefined();
  });
});

describe('parseBounce: non-standard bounces', () => {
  it('reads a mailer-daemon mail that quotes the original headers', () => {
    const bounce = parseBounce({
      ...base,
      from: { address: 'mailer-daemon@mail.example.com', name: '' },
      subject: 'failure notice',
      text: [
        "I'm afraid I wasn't able to deliver your message to the following addresses.",
        '',
        '<pat@example.com>:',
        'Sorry, no mailbox here by that name. (#5.1.1)',
        '',
        '--- Below this line is a copy of the message.',
        '',
        'From: help@support.example.com',
        'Message-ID: <orig-1@support.example.com>',
      ].join('\n'),
    });
    expect(bounce).toEqual({ originalMessageId: '<orig-1@support.example.com>', recipient: 'pat@example.com', status: '5.1.1', action: 'failed' });
  });

  it('reads X-Failed-Recipients and an attached original', () => {
    const original = Buffer.from('From: a@support.example.com\r\nMessage-ID: <orig-2@support.example.com>\r\n\r\nbody');
    const bounce = parseBounce({
      ...base,
      from: { address: 'postmaster@example.org', name: '' },
      headers: { 'x-failed-recipients': ['Quinn@Example.org, other@example.org'] },
      text: 'SMTP error from remote mail server after RCPT TO:<quinn@example.org>:\n    450 4.2.1 Mailbox busy, try later',
      attachments: [{ filename: 'm.eml', contentType: 'message/rfc822', size: original.length, content: original, inline: false }],
    });
    expect(bounce).toEqual({
      originalMessageId: '<orig-2@support.example.com>',
      recipient: 'quinn@example.org',
      diagnosticCode: '450 4.2.1 Mailbox busy, try later',
      status: '4.2.1',
      action: 'delayed',
    });
  });

  it('takes a bounce subject from a null sender', () => {
    expect(parseBounce({ ...base, subject: 'Undeliverable: Hello', headers: { 'return-path': ['<>'] } })).toEqual({ action: 'failed' });
  });

  it('does not take a person forwarding a bounce for one', () => {
    expect(parseBounce({ ...base, from: { address: 'ann@example.org', name: 'Ann' }, subject: 'Fwd: Undeliverable: Hello', text: 'Message-ID: <x@y>' })).toBeUndefined();
    expect(parseBounce({ ...base, from: { address: 'ann@example.org', name: 'Ann' }, subject: 'Undeliverable: Hello' })).toBeUndefined();
  });

  it('knows the mail system senders', () => {
    expect(['MAILER-DAEMON@x.example', 'postmaster@x.example', 'mail-delivery-subsystem@x.example'].every(isDaemonAddress)).toBe(true);
    expect(['ann@x.example', 'postmaster-team@x.example', '', undefined].some(isDaemonAddress)).toBe(false);
  });
});

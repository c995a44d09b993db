import { randomUUID } from 'node:crypto';
import { resetNotificationTemplates, resetState, startCore, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { startDovecot, type RunningDovecot } from '../support/mail/dovecot.js';
import { startSmtpSink, type RunningSink } from '../support/mail/smtp-sink.js';

export const SUPPORT = { user: 'support@example.test', pass: 'support-password' };

let mailboxes = 0;

/**
 * A fresh Dovecot user and a mailbox in core reading it and sending through the test's SMTP sink,
 * so each test starts with an empty INBOX.
 */
export async function createMailbox(
  admin: ApiClient,
  imap: RunningDovecot,
  smtp: RunningSink,
  over: Record<string, unknown> = {},
): Promise<{ id: string; address: string }> {
  const address = `support${++mailboxes}-${randomUUID().slice(0, 6)}@example.test`;
  await imap.addUser(address, SUPPORT.pass);
  const res = await admin.post('/channels/email', {
    name: `Support ${mailboxes}`,
    address,
    displayName: 'Example Support',
    imapHost: '127.0.0.1',
    imapPort: imap.port,
    imapTls: false,
    imapUser: address,
    imapSecret: SUPPORT.pass,
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    smtpSecurity: 'none',
    ...over,
  });
  if (res.status !== 201) throw new Error(`creating the mailbox failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface MailSpec {
  from?: string;
  to?: string;
  subject?: string;
  body?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  attachments?: { filename: string; type: string; content: Buffer }[];
  date?: Date;
}

/** A plain customer mail as a client would write it (CRLF, MIME with attachments when given). */
export function mail(spec: MailSpec = {}): { raw: string; messageId: string } {
  const messageId = spec.messageId ?? `<${randomUUID()}@mail.example.org>`;
  const head = [
    `From: ${spec.from ?? 'Ann Customer <ann@example.org>'}`,
    `To: ${spec.to ?? SUPPORT.user}`,
    `Subject: ${spec.subject ?? 'Printer is on fire'}`,
    `Message-ID: ${messageId}`,
    `Date: ${(spec.date ?? new Date()).toUTCString()}`,
    ...(spec.inReplyTo ? [`In-Reply-To: ${spec.inReplyTo}`] : []),
    ...(spec.references?.length ? [`References: ${spec.references.join(' ')}`] : []),
    ...Object.entries(spec.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
  ];
  const body = spec.body ?? 'It started smoking this morning.\nPlease help.';
  if (!spec.attachments?.length) {
    return { raw: [...head, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body, ''].join('\r\n'), messageId };
  }
  const boundary = `b-${randomUUID()}`;
  const parts = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    ...spec.attachments.flatMap((a) => [
      `--${boundary}`,
      `Content-Type: ${a.type}; name="${a.filename}"`,
      `Content-Disposition: attachment; filename="${a.filename}"`,
      'Content-Transfer-Encoding: base64',
      '',
      a.content.toString('base64').replace(/.{76}/g, '$&\r\n'),
    ]),
    `--${boundary}--`,
    '',
  ];
  return { raw: [...head, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts].join('\r\n'), messageId };
}

/** Everything an e-mail test runs against: Dovecot, an SMTP sink, core, and an admin client. */
export interface MailStack {
  core: RunningCore;
  imap: RunningDovecot;
  smtp: RunningSink;
  admin: ApiClient;
  /** Before each test: empty business tables, no mailboxes, no recorded mail. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMailStack(coreOverrides: Record<string, string> = {}): Promise<MailStack> {
  const imap = await startDovecot({ users: [SUPPORT] });
  const smtp = await startSmtpSink();
  const core = await startCore(coreOverrides);
  const admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
  return {
    core,
    imap,
    smtp,
    admin,
    reset: async () => {
      await resetState(core);
      await core.ds.query('DELETE FROM mailboxes');
      smtp.clear();
    },
    stop: async () => {
      await core.ds.query('DELETE FROM mailboxes');
      if (coreOverrides.NOTIFICATIONS_ENABLED === 'true') await resetNotificationTemplates(core.ds);
      await core.close();
      await smtp.close();
      await imap.stop();
    },
  };
}

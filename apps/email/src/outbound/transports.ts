import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Mailbox } from '@switchboard/db';
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailboxAccess } from '../mailboxes/mailbox-store.js';

/** SMTP options of a mailbox, for a pooled transport or a one-off check. */
export function smtpOptions(access: MailboxAccess, pool: boolean) {
  const m = access.row;
  return {
    host: m.smtpHost,
    port: m.smtpPort,
    secure: m.smtpSecurity === 'tls',
    requireTLS: m.smtpSecurity === 'starttls',
    ignoreTLS: m.smtpSecurity === 'none',
    // Same login method as reading: an OAuth 2 mailbox sends with XOAUTH2 and its access token.
    ...(m.smtpUser
      ? {
          auth:
            m.imapAuth === 'xoauth2'
              ? { type: 'OAuth2' as const, user: m.smtpUser, accessToken: access.smtpSecret ?? '' }
              : { user: m.smtpUser, pass: access.smtpSecret ?? '' },
        }
      : {}),
    pool,
    maxConnections: 3,
    maxMessages: 100,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  };
}

/** One pooled SMTP transport per mailbox, rebuilt when the mailbox's settings change. */
@Injectable()
export class SmtpTransports implements OnApplicationShutdown {
  private readonly pools = new Map<string, { version: number; transport: Transporter }>();

  get(access: MailboxAccess): Transporter {
    const m: Mailbox = access.row;
    const version = m.updatedAt.getTime();
    const found = this.pools.get(m.id);
    if (found?.version === version) return found.transport;
    found?.transport.close();
    const transport = nodemailer.createTransport(smtpOptions(access, true));
    this.pools.set(m.id, { version, transport });
    return transport;
  }

  onApplicationShutdown(): void {
    for (const { transport } of this.pools.values()) transport.close();
    this.pools.clear();
  }
}

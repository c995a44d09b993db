import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { deliveryJobId, DeliveryStatus, JobName, parseJobPayload, QueueName, type DeliveryReportInput, type OutboundMessage } from '@switchboard/contracts';
import { readAttachment } from '@switchboard/db';
import { ObservedWorkerHost, parseJob } from '@switchboard/queue';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { EMAIL_CONFIG, type EmailConfig } from '../config.js';
import { providerMessageIds } from '../mail/message-id.js';
import { MailboxStore } from '../mailboxes/mailbox-store.js';
import { AutoReplyCaps } from './auto-reply-caps.js';
import { composeReply } from './compose.js';
import { SmtpTransports } from './transports.js';

/** SMTP answers and errors that no retry will fix. */
export function isPermanentSmtpError(err: unknown): boolean {
  const e = err as { responseCode?: number; code?: string };
  if (typeof e?.responseCode === 'number') return e.responseCode >= 500 && e.responseCode < 600;
  // Wrong credentials or a recipient the transport refuses outright.
  return e?.code === 'EAUTH' || e?.code === 'EENVELOPE';
}

export function smtpReason(err: unknown): string {
  const e = err as { response?: string; responseCode?: number; code?: string; message?: string };
  return (e?.response ?? [e?.code, e?.message].filter(Boolean).join(' ')).slice(0, 2000) || 'sending failed';
}

/**
 * Consumes `outbound-email`: an agent's reply or a notification goes out by SMTP from the mailbox
 * the customer wrote to. Automatic mail (`autoSubmitted`) is first counted against the
 * per-recipient caps (AutoReplyCaps); over a cap it is not sent and is reported failed.
 */
@Processor(QueueName.OutboundEmail)
export class OutboundEmailProcessor extends ObservedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    @InjectDataSource() private readonly ds: DataSource,
    @InjectQueue(QueueName.Delivery) private readonly delivery: Queue,
    private readonly store: MailboxStore,
    private readonly transports: SmtpTransports,
    private readonly caps: AutoReplyCaps,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.EMAIL_OUTBOUND_CONCURRENCY;
  }

  async process(job: Job): Promise<{ messageId: string } | { suppressed: string }> {
    const msg = parseJob(job, JobName.OutboundMessage);
    // Checked on every attempt: a retry (after SMTP trouble, or after failing to report a
    // suppression) must not send what the caps refuse; such a mail may count twice, never zero times.
    if (msg.autoSubmitted && msg.recipient.email) {
      const suppressed = await this.caps.take(msg.recipient.email);
      if (suppressed) {
        this.logger.warn({ messageId: msg.messageId, ticket: msg.ticketNumber, to: msg.recipient.email }, suppressed);
        await this.report(msg, { status: DeliveryStatus.Failed, reason: suppressed });
        return { suppressed };
      }
    }
    try {
      const mailbox = await this.store.forSending(msg.channelAccountId);
      if (!mailbox) throw Object.assign(new Error('no mailbox is configured to send from'), { permanent: true });
      const mail = composeReply(msg, mailbox, this.config.EMAIL_SIGNING_SECRET);
      const attachments = await this.attachments(msg);
      const info = (await this.transports.get(this.store.access(mailbox)).sendMail({ ...mail, attachments })) as { messageId?: string; response?: string };
      const aliases = providerMessageIds(info.response, mail.messageId);
      this.logger.log({ messageId: msg.messageId, ticket: msg.ticketNumber, to: msg.recipient.email, response: info.response, ...(aliases.length ? { aliases } : {}) }, 'reply sent');
      await this.report(msg, { status: DeliveryStatus.Sent, externalId: mail.messageId, ...(aliases.length ? { aliases } : {}) });
      return { messageId: mail.messageId };
    } catch (err) {
      const permanent = (err as { permanent?: boolean }).permanent === true || isPermanentSmtpError(err);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const reason = smtpReason(err);
      if (permanent || lastAttempt) await this.report(msg, { status: DeliveryStatus.Failed, reason });
      throw permanent ? new UnrecoverableError(reason) : err;
    }
  }

  private async attachments(msg: OutboundMessage): Promise<{ filename: string; contentType: string; content: Buffer }[]> {
    if (!msg.attachmentIds.length) return [];
    const rows: { filename: string; contentType: string; content: Buffer }[] = [];
    for (const id of msg.attachmentIds) {
      const a = await readAttachment(this.ds, id);
      if (a) rows.push({ filename: a.filename, contentType: a.contentType, content: a.content });
    }
    if (rows.length !== msg.attachmentIds.length) {
      throw Object.assign(new Error(`${msg.attachmentIds.length - rows.length} attachment(s) of the reply no longer exist`), { permanent: true });
    }
    return rows;
  }

  private async report(msg: OutboundMessage, r: Pick<DeliveryReportInput, 'status' | 'externalId' | 'reason' | 'aliases'>): Promise<void> {
    const report = parseJobPayload(JobName.DeliveryReport, { v: 1, messageId: msg.messageId, attempt: msg.attempt, at: new Date().toISOString(), ...r });
    await this.delivery.add(JobName.DeliveryReport, report, { jobId: deliveryJobId(report) });
  }
}

import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Channel,
  deliveryJobId,
  DeliveryStatus,
  inboundJobId,
  JobName,
  QueueName,
  type DeliveryReportInput,
  type InboundMessageInput,
} from '@switchboard/contracts';
import { safeFilename, storeAttachment, type Mailbox } from '@switchboard/db';
import { REDIS } from '@switchboard/queue';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { EMAIL_CONFIG, type EmailConfig } from '../config.js';
import { parseBounce } from '../mail/dsn.js';
import { classifyAutomation } from '../mail/loop.js';
import { threadHintsFor } from '../mail/message-id.js';
import { parseMail } from '../mail/parse.js';
import { extractReply } from '../mail/reply-text.js';

/** What became of one mail: the job that carries it to core, or why there is none. */
export type IngestOutcome =
  | { kind: 'queued'; job: Job; messageId: string }
  | { kind: 'bounce'; job: Job; originalMessageId: string }
  | { kind: 'duplicate'; messageId: string }
  /** Deliberately not taken in, and left unmarked in the mailbox. */
  | { kind: 'skipped'; reason: string }
  | { kind: 'ignored'; reason: string };

/** The contract's own e-mail rule: an address it would refuse must not fail the whole mail. */
const EMAIL = z.email().max(320);

const EMPTY = Buffer.alloc(0);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Turns one raw mail into jobs: an InboundMessage for core (raw source and attachments stored
 * first), or a DeliveryReport when it is a bounce of one of our replies. The job id comes from
 * the mailbox and the Message-ID, so reading the same mail twice (a restart, another replica, a
 * UIDVALIDITY change) queues it once, and core stores it once.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly perSender: RateLimiterRedis;

  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    @InjectDataSource() private readonly ds: DataSource,
    @InjectQueue(QueueName.Inbound) private readonly inbound: Queue,
    @InjectQueue(QueueName.Delivery) private readonly delivery: Queue,
    @Inject(REDIS) redis: Redis,
  ) {
    this.perSender = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.QUEUE_PREFIX}:email-sender-rate`,
      points: config.EMAIL_SENDER_RATE_PER_HOUR,
      duration: 3600,
    });
  }

  async ingest(mailbox: Mailbox, raw: Buffer): Promise<IngestOutcome> {
    const parsed = await parseMail(raw, { maxAttachmentBytes: mailbox.maxAttachmentBytes, maxTextChars: this.config.EMAIL_MAX_TEXT_CHARS });
    const automation = classifyAutomation(parsed);
    if (automation.isBounce) {
      const bounce = parseBounce(parsed);
      const original = bounce?.originalMessageId && (await this.findOutbound(bounce.originalMessageId));
      // A delay warning (or a success notice) about one of our replies: it may still arrive, so nothing changes.
      if (bounce && original && bounce.action !== undefined && bounce.action !== 'failed') {
        return { kind: 'ignored', reason: `delivery notice (${bounce.action}) about reply ${bounce.originalMessageId}; the reply is left as it is` };
      }
      if (bounce && original) {
        const report: DeliveryReportInput = {
          v: 1,
          messageId: original.id,
          status: DeliveryStatus.Failed,
          reason: [bounce.status, bounce.diagnosticCode ?? bounce.action ?? 'the mail bounced'].filter(Boolean).join(' ').slice(0, 2000),
          attempt: original.attempt,
          at: new Date().toISOString(),
        };
        const job = await this.delivery.add(JobName.DeliveryReport, report, { jobId: deliveryJobId({ ...report, attempt: original.attempt }) });
        this.logger.log({ mailbox: mailbox.address, original: bounce.originalMessageId, reason: report.reason }, 'bounce of a reply: marked failed');
        return { kind: 'bounce', job, originalMessageId: bounce.originalMessageId! };
      }
    }
    const from = parsed.from?.address;
    if (!from) return { kind: 'ignored', reason: 'the mail has no usable sender address' };
    if (await this.isOurAddress(from)) {
      // Our own mail coming back (a forwarding rule, a copy to ourselves): taking it in would loop.
      return { kind: 'ignored', reason: `the sender ${from} is one of our own mailboxes` };
    }
    if (!mailbox.createContacts && !(await this.isKnownSender(from))) {
      return { kind: 'skipped', reason: `${from} is not a known contact and this mailbox does not create contacts` };
    }

    // Read before (a restart, another replica, a new UIDVALIDITY): nothing to store again.
    const jobId = inboundJobId({ channelAccountId: mailbox.id, externalId: parsed.messageId });
    const queued = await this.inbound.getJob(jobId);
    if (queued) return { kind: 'queued', job: queued, messageId: parsed.messageId };
    if (await this.stored(mailbox.id, parsed.messageId)) return { kind: 'duplicate', messageId: parsed.messageId };

    const storm = await this.senderStorm(mailbox, from);
    const attachmentIds: string[] = [];
    for (const a of parsed.attachments) {
      attachmentIds.push(await storeAttachment(this.ds, { filename: a.filename, contentType: a.contentType, content: a.content }, mailbox.maxAttachmentBytes));
      // Stored: let it go before the raw source is stored (the driver copies each into the message it sends).
      a.content = EMPTY;
    }
    const rawAttachmentId = await storeAttachment(
      this.ds,
      { filename: `${safeFilename(parsed.subject || 'message').slice(0, 200)}.eml`, contentType: 'message/rfc822', content: raw },
      Number.MAX_SAFE_INTEGER,
    );

    const reply = extractReply(parsed.text, { subject: parsed.subject });
    const notes = [
      ...parsed.droppedAttachments.map((d) => `Attachment "${d.filename}" (${mb(d.size)}) was not stored: ${d.reason}. The original mail is kept with the ticket.`),
      ...(parsed.textTruncated ? [`The text was cut at ${this.config.EMAIL_MAX_TEXT_CHARS} characters; the original mail is kept with the ticket.`] : []),
    ];
    const hints = threadHintsFor(parsed, this.config.EMAIL_SIGNING_SECRET, mailbox.markerFormat);
    const message: InboundMessageInput = {
      v: 1,
      channel: Channel.Email,
      channelAccountId: mailbox.id,
      externalId: parsed.messageId,
      receivedAt: (parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : new Date()).toISOString(),
      sender: { email: from, ...(parsed.from?.name ? { displayName: parsed.from.name.slice(0, 200) } : {}) },
      subject: parsed.subject.slice(0, 998),
      text: [reply.reply, ...notes.map((n) => `[${n}]`)].filter(Boolean).join('\n\n'),
      ...(parsed.html ? { html: parsed.html } : {}),
      attachmentIds,
      threadHints: storm ? { ...hints, threadKey: storm } : hints,
      autoSubmitted: automation.autoSubmitted || Boolean(storm),
      rawAttachmentId,
      cc: [...new Set([...parsed.to, ...parsed.cc].map((a) => a.address))]
        .filter((a) => a !== from && a !== mailbox.address && EMAIL.safeParse(a).success)
        .slice(0, 50),
      metadata: {
        ...(parsed.to.length ? { to: parsed.to.map((a) => a.address).join(', ').slice(0, 10_000) } : {}),
        ...(parsed.cc.length ? { cc: parsed.cc.map((a) => a.address).join(', ').slice(0, 10_000) } : {}),
        replyExtraction: reply.method,
        ...(automation.reasons.length ? { automated: automation.reasons.join('; ').slice(0, 10_000) } : {}),
        ...(storm ? { storm: `more than ${this.config.EMAIL_SENDER_RATE_PER_HOUR} mails from ${from} within an hour` } : {}),
        ...(notes.length ? { dropped: notes.join(' ').slice(0, 10_000) } : {}),
      },
    };
    await this.inbound.add(JobName.InboundMessage, message, { jobId });
    // Another copy of the same mail (a second delivery into the mailbox, a reader that lost its
    // connection mid-batch) may have queued first: then the files stored here are nobody's.
    const job = await this.inbound.getJob(jobId);
    if (!job) throw new Error(`the job ${jobId} vanished right after it was queued`);
    if ((job.data as { rawAttachmentId?: string }).rawAttachmentId !== rawAttachmentId) {
      await this.dropAttachments([...attachmentIds, rawAttachmentId]);
    }
    return { kind: 'queued', job, messageId: parsed.messageId };
  }

  private async dropAttachments(ids: string[]): Promise<void> {
    await this.ds.query(`DELETE FROM attachments WHERE id = ANY($1::uuid[]) AND message_id IS NULL`, [ids]);
  }

  private async isOurAddress(address: string): Promise<boolean> {
    const rows = await this.ds.query<unknown[]>(`SELECT 1 FROM mailboxes WHERE address = $1`, [address]);
    return rows.length > 0;
  }

  /** A contact's address, a ticket participant's or an agent's. */
  private async isKnownSender(address: string): Promise<boolean> {
    const rows = await this.ds.query<unknown[]>(
      `SELECT 1 FROM contact_identities WHERE kind = 'email' AND value = $1
       UNION ALL SELECT 1 FROM ticket_participants WHERE kind = 'email' AND value = $1
       UNION ALL SELECT 1 FROM agents WHERE lower(email) = $1 AND active
       LIMIT 1`,
      [address],
    );
    return rows.length > 0;
  }

  private async stored(mailboxId: string, messageId: string): Promise<boolean> {
    const rows = await this.ds.query<unknown[]>(`SELECT 1 FROM messages WHERE channel_account_id = $1 AND external_id = $2 AND direction = 'inbound'`, [
      mailboxId,
      messageId,
    ]);
    return rows.length > 0;
  }

  /**
   * A mail too large to download (RFC822.SIZE over EMAIL_MAX_MESSAGE_BYTES): a message built from
   * its envelope tells the agent what arrived; the mail itself stays in the mailbox.
   */
  async ingestTooLarge(
    mailbox: Mailbox,
    envelope: { uid: number; size: number; messageId?: string; from?: { address?: string; name?: string }; subject?: string; date?: Date },
  ): Promise<IngestOutcome> {
    const from = envelope.from?.address?.toLowerCase();
    if (!from || !EMAIL.safeParse(from).success) return { kind: 'ignored', reason: `a ${mb(envelope.size)} mail without a usable sender` };
    const messageId = envelope.messageId?.trim() || `<too-large.${mailbox.id}.${envelope.uid}@generated.invalid>`;
    const jobId = inboundJobId({ channelAccountId: mailbox.id, externalId: messageId });
    const queued = await this.inbound.getJob(jobId);
    if (queued) return { kind: 'queued', job: queued, messageId };
    if (await this.stored(mailbox.id, messageId)) return { kind: 'duplicate', messageId };
    const message: InboundMessageInput = {
      v: 1,
      channel: Channel.Email,
      channelAccountId: mailbox.id,
      externalId: messageId,
      receivedAt: (envelope.date && !Number.isNaN(envelope.date.getTime()) ? envelope.date : new Date()).toISOString(),
      sender: { email: from, ...(envelope.from?.name ? { displayName: envelope.from.name.slice(0, 200) } : {}) },
      subject: (envelope.subject ?? '').slice(0, 998),
      text: `[This mail is ${mb(envelope.size)}, over the ${mb(this.config.EMAIL_MAX_MESSAGE_BYTES)} the help desk imports. It was not downloaded; it is still in the mailbox ${mailbox.address}, folder ${mailbox.processedAction === 'move' && mailbox.processedFolder ? mailbox.processedFolder : mailbox.folder}.]`,
      metadata: { tooLarge: envelope.size },
    };
    const job = await this.inbound.add(JobName.InboundMessage, message, { jobId });
    return { kind: 'queued', job, messageId };
  }

  /** Our outbound message a bounce is about, by the Message-ID we sent it with. */
  private async findOutbound(messageId: string): Promise<{ id: string; attempt: number } | undefined> {
    const rows = await this.ds.query<{ id: string; attempt: number }[]>(
      `SELECT id, coalesce((metadata->'outbound'->>'attempt')::int, 1) AS attempt FROM messages
        WHERE external_id = $1 AND direction = 'outbound' ORDER BY created_at DESC LIMIT 1`,
      [messageId],
    );
    return rows[0];
  }

  /**
   * Over its hourly allowance a sender's further mails share one thread per hour (a flagged,
   * auto-submitted ticket) instead of opening hundreds: a mail loop or a flood stays one ticket.
   */
  private async senderStorm(mailbox: Mailbox, from: string): Promise<string | undefined> {
    try {
      await this.perSender.consume(`${mailbox.id}:${from}`);
      return undefined;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const hour = new Date().toISOString().slice(0, 13);
      this.logger.warn({ mailbox: mailbox.address, from }, 'sender over its hourly allowance: folding mail into one flagged ticket');
      return `storm:${from}:${hour}`;
    }
  }
}

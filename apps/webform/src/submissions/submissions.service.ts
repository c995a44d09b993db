import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainException, ErrorCode, InvalidIdentityError, normalizeEmail, normalizePhone } from '@switchboard/common';
import {
  Channel,
  checkSubmission,
  inboundJobId,
  JobName,
  QueueName,
  submissionDescription,
  submissionTitle,
  type InboundMessageInput,
  type SenderIdentity,
  type SubmittedValue,
  type WebformField,
} from '@switchboard/contracts';
import { storeAttachment, type Webform } from '@switchboard/db';
import { REDIS } from '@switchboard/queue';
import { QueueEvents, type Job, type Queue } from 'bullmq';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { WEBFORM_CONFIG, type WebformConfig } from '../config.js';
import type { LoadedForm } from '../forms/forms.service.js';
import { SubmissionRateLimits } from '../spam/rate-limits.js';
import { SessionTokens } from '../spam/session-token.js';
import { readSubmission, type UploadedFile } from './body.js';
import { submissionReference } from './reference.js';

/** What the visitor gets back: 201 with the ticket number, or 202 with a reference while core catches up. */
export type SubmissionOutcome =
  | { status: 'created'; ticketNumber: number; reference: string }
  | { status: 'accepted'; reference: string };

const PUBLISH_TIMEOUT_MS = 5_000;

/** The channel account of a form's messages: one per form, so each form's references are its own. */
export const formAccount = (form: Pick<Webform, 'id'>) => `webform:${form.id}`;

const unavailable = () =>
  new DomainException('unavailable', 'the request could not be accepted right now; nothing was saved, please try again in a moment', 503, undefined, {
    'Retry-After': '5',
  });

/**
 * A submission's way in: rate limits, body, spam checks, validation against the form, files
 * stored, an InboundMessage published, and a short wait for core to make the ticket. The
 * reference doubles as the message's external id, so however often the widget resends a form
 * (same idempotency key), core stores it once.
 */
@Injectable()
export class SubmissionsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SubmissionsService.name);
  private readonly tokens: SessionTokens;
  private events: QueueEvents | undefined;
  private eventsConnection: Redis | undefined;

  constructor(
    @Inject(WEBFORM_CONFIG) private readonly config: WebformConfig,
    @InjectDataSource() private readonly ds: DataSource,
    @InjectQueue(QueueName.Inbound) private readonly inbound: Queue,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly rateLimits: SubmissionRateLimits,
  ) {
    this.tokens = new SessionTokens(config.WEBFORM_SECRET, config.WEBFORM_SESSION_TTL_S * 1000, config.WEBFORM_MIN_FILL_MS);
  }

  async onModuleInit(): Promise<void> {
    // One event stream reader per process tells waiting requests when core has made their ticket.
    this.eventsConnection = this.redis.duplicate({ connectionName: 'switchboard-webform-events' });
    this.eventsConnection.on('error', () => undefined);
    this.events = new QueueEvents(QueueName.Inbound, { connection: this.eventsConnection, prefix: this.config.QUEUE_PREFIX });
    this.events.on('error', (err) => this.logger.warn({ err: err.message }, 'queue events reader error'));
    await this.events.waitUntilReady();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.events?.close().catch(() => undefined);
    this.eventsConnection?.disconnect();
  }

  /** A new form session: the token the submission must carry, and the minimum fill time. */
  openSession(form: Webform): { token: string; minFillMs: number } {
    return { token: this.tokens.issue(form.id), minFillMs: this.config.WEBFORM_MIN_FILL_MS };
  }

  async submit(loaded: LoadedForm, req: Request, ip: string): Promise<SubmissionOutcome> {
    const { form } = loaded;
    await this.rateLimits.consume(form.id, ip);
    const { payload, files } = await readSubmission(req, {
      maxJsonBytes: this.config.WEBFORM_MAX_JSON_BYTES,
      maxFiles: loaded.public.files.maxFiles,
      maxFileBytes: loaded.public.files.maxFileBytes,
      acceptedTypes: loaded.public.files.acceptedTypes,
    });

    if (payload.honeypot?.trim()) {
      this.logger.warn({ form: form.key, ip }, 'submission refused: the honeypot field was filled');
      throw new DomainException('spam_detected', 'the submission looks automated and was not accepted', 422);
    }
    this.checkSession(form, payload.token);
    if (files.length && !loaded.public.files.allowed) {
      throw new DomainException('files_not_allowed', 'this form does not accept attachments', 422);
    }
    const values = this.validate(form.fields, payload.values);
    const sender = this.sender(form.fields, values);

    const reference = submissionReference(this.config.WEBFORM_SECRET, form.id, payload.idempotencyKey);
    const account = formAccount(form);
    if (files.length) {
      // A resend must not store its files again: answer from the ticket already made.
      const done = await this.findTicket(account, reference);
      if (done) return { status: 'created', ticketNumber: done, reference };
    }

    const message: InboundMessageInput = {
      v: 1,
      channel: Channel.Webform,
      channelAccountId: account,
      externalId: reference,
      receivedAt: new Date().toISOString(),
      sender,
      subject: submissionTitle(form.fields, values),
      text: submissionDescription(form.fields, values),
      metadata: { form: form.key, reference, ...values },
    };
    const jobId = inboundJobId({ channelAccountId: account, externalId: reference });
    // Without files a resend costs nothing to publish again: the job id joins it to the queued
    // job, and core answers a stored one with its ticket.
    const job = (files.length ? await this.inbound.getJob(jobId) : undefined) ?? (await this.publish(message, jobId, files));
    this.logger.debug({ form: form.key, reference, files: files.length }, 'submission accepted');
    return this.awaitTicket(job, account, reference);
  }

  /** The ticket of an earlier submission: created (with its number), still queued, or unknown. */
  async status(form: Webform, reference: string): Promise<SubmissionOutcome | undefined> {
    const account = formAccount(form);
    const number = await this.findTicket(account, reference);
    if (number) return { status: 'created', ticketNumber: number, reference };
    const job = await this.inbound.getJob(inboundJobId({ channelAccountId: account, externalId: reference }));
    return job ? { status: 'accepted', reference } : undefined;
  }

  private checkSession(form: Webform, token: string): void {
    const result = this.tokens.check(form.id, token);
    if (result.ok) return;
    switch (result.reason) {
      case 'too_fast':
        throw new DomainException('submitted_too_fast', 'the form was sent too quickly after it was opened', 422, { waitMs: result.waitMs });
      case 'expired':
        throw new DomainException('session_expired', 'the form was opened too long ago; it has been refreshed, please send it again', 422);
      default:
        throw new DomainException('invalid_session', 'the form session is not valid; reload the page and try again', 400);
    }
  }

  /** The form's rules, then the server-only ones: e-mail and phone must be real addresses. */
  private validate(fields: WebformField[], raw: Record<string, SubmittedValue>): Record<string, SubmittedValue> {
    const check = checkSubmission(fields, raw);
    const errors: Record<string, string> = check.ok ? {} : { ...check.errors };
    const values: Record<string, SubmittedValue> = check.ok ? { ...check.values } : {};
    if (check.ok) {
      for (const field of fields) {
        const value = values[field.name];
        if (typeof value !== 'string') continue;
        try {
          if (field.type === 'email') values[field.name] = normalizeEmail(value);
          if (field.type === 'phone') values[field.name] = normalizePhone(value, this.config.WEBFORM_DEFAULT_REGION);
        } catch (err) {
          if (!(err instanceof InvalidIdentityError)) throw err;
          errors[field.name] = err.message.replace(/^"[^"]*" is /, 'This is ');
        }
      }
    }
    const unknown = check.ok ? [] : check.unknown;
    if (Object.keys(errors).length || unknown.length) {
      const parts = [
        ...Object.entries(errors).map(([name, msg]) => `${fields.find((f) => f.name === name)?.label ?? name}: ${msg}`),
        ...(unknown.length ? [`unknown field(s): ${unknown.join(', ')}`] : []),
      ];
      throw new DomainException(ErrorCode.ValidationFailed, `the form has errors: ${parts.join('; ')}`, 422, { fields: errors, unknown });
    }
    return values;
  }

  private sender(fields: WebformField[], values: Record<string, SubmittedValue>): SenderIdentity {
    const byRole = (role: WebformField['role']) => {
      const f = fields.find((x) => x.role === role);
      const v = f ? values[f.name] : undefined;
      return typeof v === 'string' ? v : undefined;
    };
    const name = byRole('name')?.replace(/\s+/g, ' ').slice(0, 200);
    return {
      ...(byRole('email') ? { email: byRole('email') } : {}),
      ...(byRole('phone') ? { phone: byRole('phone') } : {}),
      ...(name ? { displayName: name } : {}),
    };
  }

  /** Stores the files, then the job; if the job cannot be queued the files go too, and the visitor is told to retry. */
  private async publish(message: InboundMessageInput, jobId: string, files: UploadedFile[]): Promise<Job> {
    const attachmentIds: string[] = [];
    try {
      for (const file of files) attachmentIds.push(await storeAttachment(this.ds, file, this.config.WEBFORM_MAX_FILE_BYTES));
    } catch (err) {
      await this.dropAttachments(attachmentIds);
      this.logger.error({ err, jobId }, 'could not store the attachments of a submission');
      throw unavailable();
    }
    try {
      const job = await withTimeout(this.inbound.add(JobName.InboundMessage, { ...message, attachmentIds }, { jobId }), PUBLISH_TIMEOUT_MS);
      if (attachmentIds.length) {
        // A concurrent resend of the same form may have queued first; then these files are not the job's.
        const stored = await this.inbound.getJob(jobId);
        const theirs: string[] = (stored?.data as { attachmentIds?: string[] } | undefined)?.attachmentIds ?? [];
        if (!attachmentIds.every((id) => theirs.includes(id))) await this.dropAttachments(attachmentIds);
      }
      return job;
    } catch (err) {
      await this.dropAttachments(attachmentIds);
      this.logger.error({ err: (err as Error).message, jobId }, 'could not queue a submission');
      throw unavailable();
    }
  }

  private async dropAttachments(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.ds
      .query(`DELETE FROM attachments WHERE id = ANY($1::uuid[]) AND message_id IS NULL`, [ids])
      .catch((err: unknown) => this.logger.warn({ err, ids }, 'could not remove the attachments of a failed submission'));
  }

  private async awaitTicket(job: Job, account: string, reference: string): Promise<SubmissionOutcome> {
    const wait = this.config.WEBFORM_WAIT_FOR_TICKET_MS;
    if (wait > 0 && this.events) {
      try {
        const result = (await job.waitUntilFinished(this.events, wait)) as { ticketNumber?: number | null } | undefined;
        if (result?.ticketNumber) return { status: 'created', ticketNumber: result.ticketNumber, reference };
      } catch {
        // Not done in time, or an attempt failed (it is retried): the visitor gets the reference.
      }
    }
    const number = await this.findTicket(account, reference);
    return number ? { status: 'created', ticketNumber: number, reference } : { status: 'accepted', reference };
  }

  private async findTicket(account: string, reference: string): Promise<number | undefined> {
    const rows = await this.ds.query<{ number: number }[]>(
      `SELECT t.number::int AS number FROM messages m JOIN tickets t ON t.id = m.ticket_id
        WHERE m.channel_account_id = $1 AND m.external_id = $2 AND m.direction = 'inbound'`,
      [account, reference],
    );
    return rows[0]?.number;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

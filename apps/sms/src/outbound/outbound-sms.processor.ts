import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { deliveryJobId, DeliveryStatus, JobName, parseJobPayload, QueueName, type DeliveryReportInput, type OutboundMessage } from '@switchboard/contracts';
import { ObservedWorkerHost, parseJob, REDIS, SendSlots, slotInterval } from '@switchboard/queue';
import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ChannelStore, type SmsChannel } from '../channels/channel-store.js';
import { ProviderRegistry } from '../channels/provider-registry.js';
import { SMS_CONFIG, type SmsConfig } from '../config.js';
import { encodeText } from '../encoding/segments.js';
import { SmsIntake } from '../inbound/sms-intake.js';
import { SmsSendError } from '../providers/provider.js';

/**
 * Waits up to this long in the worker for a message's first send slot; a longer wait delays the
 * job instead, so a channel with a backlog does not hold every worker while other channels'
 * messages wait behind it in the queue.
 */
const MAX_IN_WORKER_WAIT_MS = 250;

class Permanent extends Error {}

/**
 * Sends agents' replies and notifications as SMS through the channel the customer wrote to:
 * GSM-7 when every character allows it, else UCS-2, cut into segments (at most the channel's
 * max_segments), paced to the channel's throughput per segment across replicas. A provider error
 * is transient (retried with backoff) or permanent (the message fails with the provider's code);
 * the ids the provider gave the message are kept for its delivery receipts.
 */
@Processor(QueueName.OutboundSms)
export class OutboundSmsProcessor extends ObservedWorkerHost {
  private readonly slots: SendSlots;
  /** When this process last sent (or will send) a segment on each channel. */
  private readonly lastSend = new Map<string, number>();

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectQueue(QueueName.Delivery) private readonly delivery: Queue,
    private readonly channels: ChannelStore,
    private readonly providers: ProviderRegistry,
    private readonly intake: SmsIntake,
  ) {
    super();
    this.slots = new SendSlots(redis);
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.SMS_OUTBOUND_CONCURRENCY;
  }

  async process(job: Job, token?: string): Promise<{ providerMessageIds: string[]; segments: number; encoding: string }> {
    const msg = parseJob(job, JobName.OutboundMessage);
    try {
      const channel = await this.channelFor(msg);
      const to = this.intake.phoneOf(channel, msg.recipient.phone!);
      if (!to) throw new Permanent(`${msg.recipient.phone} is not a phone number SMS can be sent to`);
      const encoded = encodeText(msg.text.trim());
      if (encoded.segments.length === 0) throw new Permanent('the message has no text (SMS cannot carry attachments)');
      if (encoded.segments.length > channel.maxSegments) {
        throw new Permanent(
          `the text takes ${encoded.segments.length} SMS segments (${encoded.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2'}, ${encoded.units} characters); the channel allows at most ${channel.maxSegments}`,
        );
      }
      // Sent before, and the job failed after that (reporting it): never send the SMS twice.
      const doneKey = `${this.config.QUEUE_PREFIX}:sms-done:${msg.messageId}:${msg.attempt}`;
      const done = await this.redis.get(doneKey);
      let result: { providerMessageIds: string[] };
      if (done) {
        result = JSON.parse(done) as { providerMessageIds: string[] };
      } else {
        // One slot per segment (providers count throughput in segments). The first may delay the
        // job; once it is taken the message is under way, and the others are waited for in the
        // worker: just before each segment goes where the provider sends them one by one (SMPP),
        // else all before the call.
        const provider = this.providers.for(channel);
        await this.waitForSlot(job, token, channel);
        let firstTaken = true;
        const next = async () => {
          if (firstTaken) firstTaken = false;
          else await this.sleepForSlot(channel);
        };
        if (!provider.pacesSegments) for (let i = 1; i < encoded.segments.length; i++) await this.sleepForSlot(channel);
        result = await provider.send({ to, encoded, reference: msg.messageId, ...(provider.pacesSegments ? { beforeSegment: next } : {}) });
        await this.redis.set(doneKey, JSON.stringify(result), 'EX', this.config.SMS_RECEIPT_TTL_S);
      }
      await this.intake.recordSent(channel, result.providerMessageIds, { messageId: msg.messageId, attempt: msg.attempt, parts: result.providerMessageIds.length });
      await this.report(msg, {
        status: DeliveryStatus.Sent,
        externalId: result.providerMessageIds[0],
        segments: encoded.segments.length,
        encoding: encoded.encoding,
      });
      this.logger.log({ messageId: msg.messageId, ticket: msg.ticketNumber, channel: channel.id, segments: encoded.segments.length, encoding: encoded.encoding }, 'SMS sent');
      return { providerMessageIds: result.providerMessageIds, segments: encoded.segments.length, encoding: encoded.encoding };
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      const permanent = err instanceof Permanent || (err instanceof SmsSendError && err.kind === 'permanent');
      const reason = (err instanceof SmsSendError ? `${err.message} (provider code ${err.code})` : (err as Error).message).slice(0, 2000);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (permanent || lastAttempt) await this.report(msg, { status: DeliveryStatus.Failed, reason });
      throw permanent ? new UnrecoverableError(reason) : err;
    }
  }

  /** The channel the customer wrote to; failing that, the oldest active one. */
  private async channelFor(msg: OutboundMessage): Promise<SmsChannel> {
    const channel = msg.channelAccountId ? await this.channels.get(msg.channelAccountId) : (await this.channels.active())[0];
    if (!channel) throw new Permanent(msg.channelAccountId ? `the SMS channel ${msg.channelAccountId} no longer exists` : 'no SMS channel is set up');
    if (!channel.enabled) throw new Permanent(`the SMS channel "${channel.name}" is disabled; enable it in the channel settings and retry`);
    if (channel.state === 'error') throw new Permanent(`the SMS channel "${channel.name}" is in error; fix it in the channel settings and retry`);
    return channel;
  }

  private limitOf(channel: SmsChannel) {
    return { key: `${this.config.QUEUE_PREFIX}:sms-pace:${channel.id}`, intervalMs: slotInterval(channel.throughputPerSecond) };
  }

  /** The next slot, however far: slept for in the worker (a message already under way). */
  private async sleepForSlot(channel: SmsChannel): Promise<void> {
    const slot = await this.slots.take(this.limitOf(channel), undefined, Number.MAX_SAFE_INTEGER);
    if ('waitMs' in slot && slot.waitMs > 0) await sleep(slot.waitMs);
    await this.keepLocalSpacing(channel);
  }

  /**
   * Slots are kept in Redis, but a worker that wakes late (a busy event loop) would send next to
   * one that woke on time: sends from this process are also kept an interval apart here.
   */
  private async keepLocalSpacing(channel: SmsChannel): Promise<void> {
    const interval = slotInterval(channel.throughputPerSecond);
    const now = Date.now();
    const at = Math.max(now, (this.lastSend.get(channel.id) ?? 0) + interval);
    this.lastSend.set(channel.id, at);
    if (at > now) await sleep(at - now);
  }

  private async waitForSlot(job: Job, token: string | undefined, channel: SmsChannel): Promise<void> {
    const limit = this.limitOf(channel);
    for (;;) {
      const slot = await this.slots.take(limit, undefined, MAX_IN_WORKER_WAIT_MS);
      if ('waitMs' in slot) {
        if (slot.waitMs > 0) await sleep(slot.waitMs);
        await this.keepLocalSpacing(channel);
        return;
      }
      if (slot.retryInMs <= MAX_IN_WORKER_WAIT_MS) {
        await sleep(slot.retryInMs);
        continue;
      }
      await job.moveToDelayed(Date.now() + slot.retryInMs, token);
      throw new DelayedError();
    }
  }

  private async report(msg: OutboundMessage, r: Pick<DeliveryReportInput, 'status' | 'externalId' | 'reason' | 'segments' | 'encoding'>): Promise<void> {
    const report = parseJobPayload(JobName.DeliveryReport, { v: 1, messageId: msg.messageId, attempt: msg.attempt, at: new Date().toISOString(), ...r });
    await this.delivery.add(JobName.DeliveryReport, report, { jobId: deliveryJobId(report) });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

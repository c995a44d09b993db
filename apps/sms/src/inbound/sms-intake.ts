import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { normalizePhone } from '@switchboard/common';
import {
  Channel,
  customerEventJobId,
  deliveryJobId,
  DeliveryStatus,
  inboundJobId,
  JobName,
  parseJobPayload,
  QueueName,
  type DeliveryReportInput,
} from '@switchboard/contracts';
import { REDIS } from '@switchboard/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CountryCode } from 'libphonenumber-js';
import type { SmsChannel } from '../channels/channel-store.js';
import { SMS_CONFIG, type SmsConfig } from '../config.js';
import type { DeliveryReceipt, InboundSms } from '../providers/provider.js';
import { keywordOf } from './keywords.js';

/*
 * Keeps one part of a concatenated SMS: KEYS[1] is the message's hash (part number → text, and
 * `id` → part 1's provider id). Returns the hash's fields once every part is there (the caller
 * deletes it after queueing the joined message), else nothing.
 */
const KEEP_PART = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[1] == '1' then redis.call('HSET', KEYS[1], 'id', ARGV[5]) end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
local parts = redis.call('HLEN', KEYS[1]) - redis.call('HEXISTS', KEYS[1], 'id')
if parts >= tonumber(ARGV[3]) and redis.call('HEXISTS', KEYS[1], 'id') == 1 then return redis.call('HGETALL', KEYS[1]) end
return false`;

/** What a sent SMS's receipts are matched with: the message, its attempt, and how many parts must be delivered. */
interface SentRecord {
  messageId: string;
  attempt: number;
  parts: number;
}

const SUBJECT_MAX = 120;
/** How long a receipt that came before its send was recorded waits for that record. */
const EARLY_RECEIPT_TTL_S = 600;
/** How long an SMSC's redelivery of a message (after a lost deliver_sm_resp) is recognised as one. */
const REDELIVERY_WINDOW_S = 300;

/**
 * Everything that arrives from providers, whatever the provider: customers' SMS (joined when they
 * came in parts, STOP/START turned into opt-out events) go to core's `inbound` queue keyed by the
 * provider's message id; delivery receipts are matched to the message they are about and become
 * delivery reports.
 */
@Injectable()
export class SmsIntake {
  private readonly logger = new Logger(SmsIntake.name);

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectQueue(QueueName.Inbound) private readonly inbound: Queue,
    @InjectQueue(QueueName.CustomerEvents) private readonly events: Queue,
    @InjectQueue(QueueName.Delivery) private readonly delivery: Queue,
  ) {}

  private key(kind: string, ...parts: string[]): string {
    return `${this.config.QUEUE_PREFIX}:sms-${kind}:${parts.join(':')}`;
  }

  /** The customer's number in E.164, or undefined (a short code or an alphanumeric sender cannot be a contact). */
  phoneOf(channel: SmsChannel, value: string): string | undefined {
    try {
      return normalizePhone(value, (channel.defaultRegion ?? this.config.SMS_DEFAULT_REGION) as CountryCode | undefined);
    } catch {
      return undefined;
    }
  }

  async takeInbound(channel: SmsChannel, sms: InboundSms): Promise<string> {
    const from = this.phoneOf(channel, sms.from);
    if (!from) {
      this.logger.warn({ channel: channel.id, from: sms.from.slice(0, 32), id: sms.providerMessageId }, 'an SMS from a sender that is not a phone number: not taken');
      return 'ignored: the sender is not a phone number';
    }
    let text = sms.text;
    let externalId = await this.stableId(channel, sms);
    let partsKey: string | undefined;
    if (sms.part && sms.part.total > 1) {
      partsKey = this.key('parts', channel.id, from, String(sms.part.ref), String(sms.part.total));
      const fields = (await this.redis.eval(KEEP_PART, 1, partsKey, String(sms.part.seq), sms.text, String(sms.part.total), String(this.config.SMS_PARTS_TTL_S), externalId)) as
        | string[]
        | null;
      if (!fields) return `part ${sms.part.seq} of ${sms.part.total} kept`;
      const map = new Map<string, string>();
      for (let i = 0; i < fields.length; i += 2) map.set(fields[i], fields[i + 1]);
      externalId = map.get('id')!;
      text = Array.from({ length: sms.part.total }, (_, i) => map.get(String(i + 1)) ?? '').join('');
    }

    const keyword = keywordOf(text);
    if (keyword) {
      const event = parseJobPayload(JobName.CustomerEvent, {
        v: 1,
        type: 'opt-out',
        channel: Channel.Sms,
        channelAccountId: channel.id,
        eventId: externalId,
        sender: { phone: from },
        optedOut: keyword === 'opt-out',
        at: sms.receivedAt.toISOString(),
      });
      await this.events.add(JobName.CustomerEvent, event, { jobId: customerEventJobId(event) });
      if (partsKey) await this.redis.del(partsKey);
      this.logger.log({ channel: channel.id, keyword }, keyword === 'opt-out' ? 'a customer opted out of SMS' : 'a customer opted in to SMS again');
      return keyword;
    }

    const firstLine = text.split('\n').find((l) => l.trim())?.trim() ?? '';
    const message = parseJobPayload(JobName.InboundMessage, {
      v: 1,
      channel: Channel.Sms,
      channelAccountId: channel.id,
      externalId,
      receivedAt: sms.receivedAt.toISOString(),
      sender: { phone: from },
      subject: firstLine.length > SUBJECT_MAX ? `${firstLine.slice(0, SUBJECT_MAX - 1)}…` : firstLine,
      text: text || '[empty SMS]',
      threadHints: { messageIds: [], threadKey: from },
      metadata: { to: sms.to.slice(0, 64), ...(sms.part ? { parts: sms.part.total } : {}) },
    });
    await this.inbound.add(JobName.InboundMessage, message, { jobId: inboundJobId(message) });
    if (partsKey) await this.redis.del(partsKey);
    return sms.part ? `joined ${sms.part.total} parts` : 'queued';
  }

  /**
   * The message's id for deduplication. A provider id is one; an id made from the content
   * (SMPP) only tells an SMSC's redelivery from a new message within REDELIVERY_WINDOW_S, so
   * the first sighting gets an id of its own and redeliveries within the window reuse it, while
   * the same text sent again later is a new message.
   */
  private async stableId(channel: SmsChannel, sms: InboundSms): Promise<string> {
    if (!sms.idFromContent) return sms.providerMessageId;
    const key = this.key('mo', channel.id, sms.providerMessageId);
    const fresh = `${sms.providerMessageId}-${Date.now().toString(36)}`;
    const set = await this.redis.set(key, fresh, 'EX', REDELIVERY_WINDOW_S, 'NX');
    return set === 'OK' ? fresh : ((await this.redis.get(key)) ?? fresh);
  }

  /**
   * Remembers which provider ids a sent SMS got, for its receipts, and applies the receipts that
   * came before the send was recorded (an SMSC can answer a segment's receipt before the last
   * segment is even submitted).
   */
  async recordSent(channel: SmsChannel, providerIds: string[], record: SentRecord): Promise<void> {
    const multi = this.redis.multi();
    for (const id of providerIds) multi.set(this.key('sent', channel.id, id), JSON.stringify(record), 'EX', this.config.SMS_RECEIPT_TTL_S);
    for (const id of providerIds) multi.getdel(this.key('early', channel.id, id));
    const results = (await multi.exec()) ?? [];
    const early = results.slice(providerIds.length).map(([, value]) => value as string | null);
    for (const raw of early) {
      if (!raw) continue;
      const held = JSON.parse(raw) as Omit<DeliveryReceipt, 'at'> & { at: string };
      await this.takeReceipt(channel, { ...held, at: new Date(held.at) });
    }
  }

  async takeReceipt(channel: SmsChannel, receipt: DeliveryReceipt): Promise<string> {
    const raw = await this.redis.get(this.key('sent', channel.id, receipt.providerMessageId));
    if (!raw) {
      // Perhaps earlier than the record of the send (recordSent applies it then); kept a while.
      const earlyKey = this.key('early', channel.id, receipt.providerMessageId);
      await this.redis.set(earlyKey, JSON.stringify(receipt), 'EX', EARLY_RECEIPT_TTL_S);
      // The send may have been recorded in between: whoever takes the kept receipt applies it.
      if ((await this.redis.exists(this.key('sent', channel.id, receipt.providerMessageId))) && (await this.redis.getdel(earlyKey))) {
        return this.takeReceipt(channel, receipt);
      }
      this.logger.log({ channel: channel.id, id: receipt.providerMessageId, status: receipt.status }, 'a receipt for an SMS not recorded as sent (yet): kept for a while');
      return 'held: not recorded as sent yet';
    }
    const sent = JSON.parse(raw) as SentRecord;
    if (receipt.status === 'sent') return 'ignored: sent is reported when the provider accepts the SMS';
    let report: Pick<DeliveryReportInput, 'status' | 'reason'> | undefined;
    if (receipt.status === 'failed') {
      report = { status: DeliveryStatus.Failed, reason: `the provider reported the SMS undelivered${receipt.error ? `: ${receipt.error}` : ''}`.slice(0, 2000) };
    } else {
      // A message in parts is delivered when every part is.
      const delivered = sent.parts > 1 ? await this.redis.sadd(this.key('delivered', sent.messageId), receipt.providerMessageId).then(() => this.redis.scard(this.key('delivered', sent.messageId))) : 1;
      if (sent.parts > 1) await this.redis.expire(this.key('delivered', sent.messageId), this.config.SMS_RECEIPT_TTL_S);
      if (delivered < sent.parts) return `part delivered (${delivered} of ${sent.parts})`;
      report = { status: DeliveryStatus.Delivered };
    }
    const payload = parseJobPayload(JobName.DeliveryReport, { v: 1, messageId: sent.messageId, attempt: sent.attempt, at: receipt.at.toISOString(), ...report });
    await this.delivery.add(JobName.DeliveryReport, payload, { jobId: deliveryJobId(payload) });
    return report.status;
  }
}

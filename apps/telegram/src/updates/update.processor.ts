import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Channel,
  customerEventJobId,
  inboundJobId,
  JobName,
  parseJobPayload,
  QueueName,
  type CustomerEventInput,
  type InboundMessageInput,
} from '@switchboard/contracts';
import { AttachmentTooLarge, storeAttachment } from '@switchboard/db';
import { ObservedWorkerHost, parseJob, REDIS } from '@switchboard/queue';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Update } from 'telegraf/types';
import type { DataSource } from 'typeorm';
import { threadKeyOf, type Bot, BotStore } from '../bots/bot-store.js';
import { apiFailure, BotClients, safeMessage } from '../bots/clients.js';
import { Pacer } from '../bots/pacer.js';
import { TELEGRAM_CONFIG, type TelegramConfig } from '../config.js';
import { escapeTelegramHtml } from '../outbound/format.js';
import { TEXTS } from '../texts.js';
import { callbackData, parseCallback, planUpdate, type IncomingFile, type MessagePlan } from './map-update.js';

/** A customer event without what every one of them carries (Omit over each member of the union). */
type EventBody = CustomerEventInput extends infer E ? (E extends unknown ? Omit<E, 'v' | 'channel' | 'at'> : never) : never;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A file the customer sent that will not be fetched; the message says so instead. */
class FileSkipped extends Error {}

/**
 * Turns queued Telegram updates into what core understands: messages (with their files fetched
 * through getFile and stored) on `inbound`, edits, survey answers, ratings and shared phone
 * numbers on `customer-events`; and answers commands (/start, /new, /help) and buttons itself.
 * A retried update does no harm: inbound job ids, event ids and the "said already" keys make each
 * step happen once.
 */
@Processor(QueueName.TelegramUpdates)
export class UpdateProcessor extends ObservedWorkerHost {
  constructor(
    @Inject(TELEGRAM_CONFIG) private readonly config: TelegramConfig,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectQueue(QueueName.Inbound) private readonly inbound: Queue,
    @InjectQueue(QueueName.CustomerEvents) private readonly events: Queue,
    private readonly store: BotStore,
    private readonly clients: BotClients,
    private readonly pacer: Pacer,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.TELEGRAM_UPDATE_CONCURRENCY;
  }

  async process(job: Job): Promise<string> {
    const { botId, updateId, update } = parseJob(job, JobName.TelegramUpdate);
    const bot = await this.store.get(botId);
    if (!bot) return 'ignored: the bot no longer exists';
    const plan = planUpdate(update as unknown as Update);
    switch (plan.kind) {
      case 'ignore':
        this.logger.debug({ bot: bot.id, updateId, reason: plan.reason }, 'update ignored');
        return `ignored: ${plan.reason}`;
      case 'message':
        return this.takeMessage(bot, plan.message);
      case 'command':
        return this.command(bot, updateId, plan);
      case 'contact-shared':
        await this.event({ type: 'contact-shared', channelAccountId: bot.id, eventId: `u${updateId}`, sender: plan.sender });
        await this.say(bot, plan.chatId, `said-${updateId}`, TEXTS.phoneSaved, { reply_markup: { remove_keyboard: true } });
        return 'phone shared';
      case 'edit':
        await this.event({ type: 'message-edited', channelAccountId: bot.id, eventId: `u${updateId}`, sender: plan.sender, externalId: plan.externalId, text: plan.text });
        return 'edit queued';
      case 'callback':
        return this.button(bot, updateId, plan);
    }
  }

  private async command(bot: Bot, updateId: number, plan: Extract<ReturnType<typeof planUpdate>, { kind: 'command' }>): Promise<string> {
    if (plan.command === 'start') {
      await this.say(bot, plan.chatId, `said-${updateId}`, bot.greeting, {
        reply_markup: { keyboard: [[{ text: TEXTS.sharePhoneButton, request_contact: true }]], resize_keyboard: true, one_time_keyboard: true },
      });
      return 'greeted';
    }
    if (plan.command === 'help') {
      await this.say(bot, plan.chatId, `said-${updateId}`, TEXTS.help);
      return 'helped';
    }
    await this.store.newThread(bot.id, plan.chatId, updateId);
    if (plan.message) return this.takeMessage(bot, plan.message);
    await this.say(bot, plan.chatId, `said-${updateId}`, TEXTS.newConversation);
    return 'new conversation started';
  }

  private async button(bot: Bot, updateId: number, plan: Extract<ReturnType<typeof planUpdate>, { kind: 'callback' }>): Promise<string> {
    const tg = this.clients.for(bot.token);
    const action = parseCallback(plan.data);
    if (!action) {
      await tg.answerCbQuery(plan.callbackId, TEXTS.unknownButton).catch(() => undefined);
      return 'ignored: a button this service did not make';
    }
    const base = { channelAccountId: bot.id, eventId: `u${updateId}`, sender: plan.sender, ticketId: action.ticketId };
    if (action.kind === 'solved') await this.event({ ...base, type: 'resolution-answer', solved: action.solved });
    else await this.event({ ...base, type: 'rating', rating: action.rating });
    // Buttons are answered once: they go, and what comes next is said.
    await tg.answerCbQuery(plan.callbackId, TEXTS.answerReceived).catch((err: unknown) => this.logger.debug({ err: safeMessage(err) }, 'answerCallbackQuery failed'));
    if (plan.botMessageId !== undefined) {
      await tg.editMessageReplyMarkup(plan.chatId, plan.botMessageId, undefined, { inline_keyboard: [] }).catch(() => undefined);
    }
    if (action.kind === 'rating') {
      await this.say(bot, plan.chatId, `said-${updateId}`, TEXTS.thanksForRating(action.rating));
      return `rated ${action.rating}`;
    }
    if (action.solved) {
      const stars = [1, 2, 3, 4, 5].map((n) => ({ text: TEXTS.ratingButton(n), callback_data: callbackData({ kind: 'rating', ticketId: action.ticketId, rating: n }) }));
      await this.say(bot, plan.chatId, `said-${updateId}`, TEXTS.ratingPrompt, { reply_markup: { inline_keyboard: [stars.slice(0, 3), stars.slice(3)] } });
      return 'solved';
    }
    await this.say(bot, plan.chatId, `said-${updateId}`, TEXTS.reopened);
    return 'not solved';
  }

  private async takeMessage(bot: Bot, m: MessagePlan): Promise<string> {
    const jobId = inboundJobId({ channelAccountId: bot.id, externalId: m.externalId });
    // Taken before (a retried update, a redelivery): nothing to fetch or store again.
    if (await this.inbound.getJob(jobId)) return 'queued already';
    if (await this.stored(bot.id, m.externalId)) return 'stored already';

    const seq = await this.store.threadSeq(bot.id, m.chatId);
    const attachmentIds: string[] = [];
    const notes: string[] = [];
    try {
      for (const file of m.files) {
        try {
          attachmentIds.push(await this.fetchFile(bot, file));
        } catch (err) {
          if (!(err instanceof FileSkipped)) throw err;
          notes.push(`[${err.message}]`);
        }
      }
    } catch (err) {
      // A download failed (network, Telegram): the update is retried; files stored so far would be nobody's.
      await this.discard(attachmentIds);
      throw err;
    }
    const text = [m.text, ...notes].filter(Boolean).join('\n\n') || '[empty message]';
    const message: InboundMessageInput = {
      v: 1,
      channel: Channel.Telegram,
      channelAccountId: bot.id,
      externalId: m.externalId,
      receivedAt: m.receivedAt,
      sender: m.sender,
      subject: m.subject,
      text,
      attachmentIds,
      threadHints: { messageIds: [], threadKey: threadKeyOf(m.chatId, seq) },
      metadata: { telegramChatId: m.chatId, telegramMessageId: m.messageId, ...(m.sender.telegramUsername ? { telegramUsername: m.sender.telegramUsername } : {}) },
    };
    await this.inbound.add(JobName.InboundMessage, parseJobPayload(JobName.InboundMessage, message), { jobId });
    // The same message taken twice at once (a webhook retry racing the first delivery): one job won.
    const job = await this.inbound.getJob(jobId);
    const queuedIds = (job?.data as { attachmentIds?: string[] } | undefined)?.attachmentIds ?? [];
    if (attachmentIds.some((id) => !queuedIds.includes(id))) await this.discard(attachmentIds);
    return attachmentIds.length ? `message queued with ${attachmentIds.length} file(s)` : 'message queued';
  }

  private async stored(botId: string, externalId: string): Promise<boolean> {
    const rows = await this.ds.query<unknown[]>(
      `SELECT 1 FROM messages WHERE channel_account_id = $1 AND external_id = $2 AND direction = 'inbound' LIMIT 1`,
      [botId, externalId],
    );
    return rows.length > 0;
  }

  private async discard(ids: string[]): Promise<void> {
    if (ids.length) await this.ds.query(`DELETE FROM attachments WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** Fetches a customer's file (getFile, then the download) and stores it; FileSkipped when it cannot be. */
  private async fetchFile(bot: Bot, file: IncomingFile): Promise<string> {
    const limit = this.config.TELEGRAM_MAX_FILE_BYTES;
    const tooBig = (size: number) => new FileSkipped(`The file "${file.filename}" (${mb(size)}) was not downloaded: files over ${mb(limit)} are not taken`);
    if (file.size !== undefined && file.size > limit) throw tooBig(file.size);
    let link: Awaited<ReturnType<BotClients['fileUrl']>>;
    try {
      link = await this.clients.fileUrl(bot.token, file.fileId);
    } catch (err) {
      const failure = apiFailure(err);
      if (failure?.code === 400) throw new FileSkipped(`The file "${file.filename}" could not be fetched from Telegram: ${failure.description}`);
      throw err;
    }
    if (link.size !== undefined && link.size > limit) throw tooBig(link.size);
    const res = await fetch(link.url, { signal: AbortSignal.timeout(120_000) });
    if (!res.ok || !res.body) throw new Error(`downloading a file from Telegram failed: HTTP ${res.status}`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > limit) throw tooBig(size);
      chunks.push(Buffer.from(chunk));
    }
    try {
      return await storeAttachment(this.ds, { filename: file.filename, contentType: file.contentType, content: Buffer.concat(chunks, size) }, limit);
    } catch (err) {
      if (err instanceof AttachmentTooLarge) throw tooBig(err.size);
      throw err;
    }
  }

  private async event(e: EventBody): Promise<void> {
    const payload = parseJobPayload(JobName.CustomerEvent, { v: 1, channel: Channel.Telegram, at: new Date().toISOString(), ...e });
    await this.events.add(JobName.CustomerEvent, payload, { jobId: customerEventJobId(payload) });
  }

  /**
   * Something the bot says by itself, paced like replies. `onceKey` makes a retried update say
   * it once; a customer who blocked the bot is not an error.
   */
  private async say(bot: Bot, chatId: string, onceKey: string, text: string, extra: Record<string, unknown> = {}): Promise<void> {
    const key = `${this.config.QUEUE_PREFIX}:tg-said:${bot.id}:${chatId}:${onceKey}`;
    if (await this.redis.exists(key)) return;
    for (;;) {
      const slot = await this.pacer.take(bot.id, chatId, 5_000);
      if ('waitMs' in slot) {
        if (slot.waitMs > 0) await sleep(slot.waitMs);
        break;
      }
      await sleep(Math.min(slot.retryInMs, 5_000));
    }
    try {
      await this.clients.for(bot.token).sendMessage(chatId, escapeTelegramHtml(text), { parse_mode: 'HTML', ...extra });
    } catch (err) {
      const failure = apiFailure(err);
      if (failure?.code === 403) {
        this.logger.log({ bot: bot.id, chatId, reason: failure.description }, 'the customer cannot be written to; nothing said');
        return;
      }
      if (failure?.code === 429 && failure.retryAfter) await this.pacer.block(bot.id, chatId, failure.retryAfter * 1000);
      throw err;
    }
    await this.redis.set(key, '1', 'EX', 24 * 3_600);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

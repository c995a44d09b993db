import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { deliveryJobId, DeliveryStatus, JobName, parseJobPayload, QueueName, type DeliveryReportInput, type OutboundMessage } from '@switchboard/contracts';
import { readAttachment } from '@switchboard/db';
import { ObservedWorkerHost, parseJob, REDIS } from '@switchboard/queue';
import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Input } from 'telegraf';
import type { DataSource } from 'typeorm';
import { BotStore, type Bot } from '../bots/bot-store.js';
import { apiFailure, BotClients, safeMessage } from '../bots/clients.js';
import { Pacer } from '../bots/pacer.js';
import { TELEGRAM_CONFIG, type TelegramConfig } from '../config.js';
import { TEXTS } from '../texts.js';
import { callbackData } from '../updates/map-update.js';
import { escapeTelegramHtml, sendsAsPhoto, splitText } from './format.js';

/** One Bot API call of a reply: a piece of its text, or one of its files. */
type Part = { kind: 'text'; html: string; keyboard?: { text: string; callback_data: string }[][] } | { kind: 'file'; attachmentId: string };

/** Waits up to this long in the worker for a send slot; a longer wait delays the job instead. */
const MAX_IN_WORKER_WAIT_MS = 2_000;
/** Telegram's 429s on one reply before it is given up as failed (each waits its retry_after). */
const MAX_RATE_LIMITED = 50;
/** How often a reply waiting for the replies before it to the same chat looks again. */
const TURN_POLL_MS = 250;
/** How long the progress of a reply (the parts already sent) is kept. */
const PROGRESS_TTL_S = 7 * 24 * 3_600;

class Permanent extends Error {}

/**
 * Sends agents' replies (and core's automatic messages) to Telegram chats: the text as HTML with
 * everything escaped, cut into 4,096-character pieces, then each file with sendPhoto or
 * sendDocument. Pacing (Pacer) holds a bot to TELEGRAM_BOT_RATE_PER_SECOND and a chat to
 * TELEGRAM_CHAT_RATE_PER_SECOND across replicas. A 429 delays the job by Telegram's retry_after
 * without using up an attempt; a 403 (bot blocked, user deactivated) or a 400 about the chat fails
 * it at once with Telegram's words; network trouble and 5xx are retried with backoff. The parts
 * already sent are remembered per attempt, so a retry or a delay never sends a piece twice.
 */
@Processor(QueueName.OutboundTelegram)
export class OutboundTelegramProcessor extends ObservedWorkerHost {
  constructor(
    @Inject(TELEGRAM_CONFIG) private readonly config: TelegramConfig,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectQueue(QueueName.Delivery) private readonly delivery: Queue,
    @InjectQueue(QueueName.OutboundTelegram) private readonly queue: Queue,
    private readonly store: BotStore,
    private readonly clients: BotClients,
    private readonly pacer: Pacer,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.TELEGRAM_OUTBOUND_CONCURRENCY;
  }

  async process(job: Job, token?: string): Promise<{ externalId: string } | { failed: string }> {
    const msg = parseJob(job, JobName.OutboundMessage);
    const chatId = msg.recipient.telegramId!;
    const progressKey = `${this.config.QUEUE_PREFIX}:tg-out:${msg.messageId}:${msg.attempt}`;
    let orderKey: string | undefined;
    try {
      const bot = await this.botFor(msg);
      orderKey = `${this.config.QUEUE_PREFIX}:tg-order:${bot.id}:${chatId}`;
      await this.waitForTurn(job, token, orderKey, msg);
      const parts = partsOf(msg);
      const progress = await this.redis.hgetall(progressKey);
      let last = progress.last;
      for (let i = Number(progress.done ?? 0); i < parts.length; i++) {
        await this.waitForSlot(job, token, bot.id, chatId);
        const sent = await this.sendPart(bot, chatId, parts[i], job, token, progressKey);
        last = String(sent);
        await this.redis.multi().hset(progressKey, 'done', String(i + 1), 'last', last).expire(progressKey, PROGRESS_TTL_S).exec();
      }
      const externalId = `${chatId}:${last ?? ''}`;
      await this.report(msg, { status: DeliveryStatus.Sent, externalId });
      await this.redis.del(progressKey);
      await this.redis.zrem(orderKey, job.id!);
      this.logger.log({ messageId: msg.messageId, ticket: msg.ticketNumber, bot: bot.id, chatId, parts: parts.length }, 'reply sent');
      return { externalId };
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const permanent = err instanceof Permanent;
      const reason = (err as Error).message.slice(0, 2000);
      if (permanent || lastAttempt) {
        await this.report(msg, { status: DeliveryStatus.Failed, reason });
        await this.redis.del(progressKey);
        if (orderKey) await this.redis.zrem(orderKey, job.id!);
      }
      throw permanent ? new UnrecoverableError(reason) : err;
    }
  }

  /** The bot the customer wrote to; failing that (no account on the message), the oldest active one. */
  private async botFor(msg: OutboundMessage): Promise<Bot> {
    const bot = msg.channelAccountId ? await this.store.get(msg.channelAccountId) : (await this.store.active())[0];
    if (!bot) throw new Permanent(msg.channelAccountId ? `the Telegram bot ${msg.channelAccountId} no longer exists` : 'no Telegram bot is set up');
    if (!bot.enabled) throw new Permanent(`the Telegram bot "${bot.name}" is disabled; enable it in the channel settings and retry`);
    if (bot.state === 'error') throw new Permanent(`the Telegram bot "${bot.name}" is in error; fix it in the channel settings and retry`);
    return bot;
  }

  /**
   * Replies reach a chat in the order agents wrote them: each reply to a chat takes its place in
   * the chat's line (a sorted set by creation time) and waits, as a delayed job, until the
   * replies before it are sent or have failed for good. A reply whose job is gone (removed by
   * hand, or finished without leaving the line) is taken out of the line by whoever finds it.
   */
  private async waitForTurn(job: Job, token: string | undefined, orderKey: string, msg: OutboundMessage): Promise<void> {
    await this.redis.multi().zadd(orderKey, 'NX', Date.parse(msg.createdAt), job.id!).expire(orderKey, PROGRESS_TTL_S).exec();
    for (;;) {
      const [head] = await this.redis.zrange(orderKey, 0, 0);
      if (!head || head === job.id) return;
      const state = await this.queue.getJobState(head);
      if (state === 'unknown' || state === 'completed' || state === 'failed') {
        await this.redis.zrem(orderKey, head);
        continue;
      }
      await job.moveToDelayed(Date.now() + TURN_POLL_MS, token);
      throw new DelayedError();
    }
  }

  /** Sleeps for a near slot; a far one (a busy chat) delays the job rather than hold a worker. */
  private async waitForSlot(job: Job, token: string | undefined, botId: string, chatId: string): Promise<void> {
    for (;;) {
      const slot = await this.pacer.take(botId, chatId, MAX_IN_WORKER_WAIT_MS);
      if ('waitMs' in slot) {
        if (slot.waitMs > 0) await sleep(slot.waitMs);
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

  /** Sends one part; returns Telegram's message id. */
  private async sendPart(bot: Bot, chatId: string, part: Part, job: Job, token: string | undefined, progressKey: string): Promise<number> {
    const tg = this.clients.for(bot.token);
    try {
      if (part.kind === 'text') {
        const sent = await tg.sendMessage(chatId, part.html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(part.keyboard ? { reply_markup: { inline_keyboard: part.keyboard } } : {}),
        });
        return sent.message_id;
      }
      const file = await readAttachment(this.ds, part.attachmentId);
      if (!file) throw new Permanent(`the attachment ${part.attachmentId} of the reply no longer exists`);
      const input = Input.fromBuffer(file.content, file.filename);
      const sent = sendsAsPhoto(file.contentType, file.size) ? await tg.sendPhoto(chatId, input) : await tg.sendDocument(chatId, input);
      return sent.message_id;
    } catch (err) {
      if (err instanceof Permanent) throw err;
      const failure = apiFailure(err);
      if (!failure) throw new Error(`Telegram could not be reached: ${safeMessage(err)}`, { cause: err });
      const said = `Telegram answered ${failure.code}: ${failure.description}`;
      if (failure.code === 429) {
        const waitMs = (failure.retryAfter ?? 1) * 1000;
        await this.pacer.block(bot.id, chatId, waitMs);
        const times = await this.redis.hincrby(progressKey, 'rateLimited', 1);
        await this.redis.expire(progressKey, PROGRESS_TTL_S);
        if (times > MAX_RATE_LIMITED) throw new Permanent(`${said} (${times} times in a row)`);
        this.logger.warn({ bot: bot.id, chatId, retryAfterS: failure.retryAfter, times }, 'Telegram asked to slow down; the reply waits');
        await job.moveToDelayed(Date.now() + waitMs, token);
        throw new DelayedError();
      }
      // Blocked by the user, user deactivated, chat gone, message refused: sending again changes nothing.
      if (failure.code === 403 || failure.code === 400) throw new Permanent(said);
      if (failure.code === 401 || failure.code === 404) {
        await this.store.markError(bot.id, `Telegram refused the bot token (${failure.code} ${failure.description}); paste a current token from BotFather`);
        throw new Permanent(`${said}: the bot's token is no longer valid`);
      }
      throw new Error(said, { cause: err });
    }
  }

  private async report(msg: OutboundMessage, r: Pick<DeliveryReportInput, 'status' | 'externalId' | 'reason'>): Promise<void> {
    const report = parseJobPayload(JobName.DeliveryReport, { v: 1, messageId: msg.messageId, attempt: msg.attempt, at: new Date().toISOString(), ...r });
    await this.delivery.add(JobName.DeliveryReport, report, { jobId: deliveryJobId(report) });
  }
}

/** The Bot API calls a reply takes: its text in pieces (the survey's buttons on the last), then its files. */
export function partsOf(msg: OutboundMessage): Part[] {
  const pieces = splitText(msg.text);
  const parts: Part[] = pieces.map((p) => ({ kind: 'text', html: escapeTelegramHtml(p) }));
  if (msg.prompt === 'resolution-survey') {
    const keyboard = [
      [
        { text: TEXTS.solvedYes, callback_data: callbackData({ kind: 'solved', ticketId: msg.ticketId, solved: true }) },
        { text: TEXTS.solvedNo, callback_data: callbackData({ kind: 'solved', ticketId: msg.ticketId, solved: false }) },
      ],
    ];
    const last = parts.at(-1);
    if (last?.kind === 'text') last.keyboard = keyboard;
    else parts.push({ kind: 'text', html: escapeTelegramHtml(TEXTS.solvedQuestion), keyboard });
  }
  for (const attachmentId of msg.attachmentIds) parts.push({ kind: 'file', attachmentId });
  return parts;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

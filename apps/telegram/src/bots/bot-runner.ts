import type { Logger } from 'pino';
import type { Telegram } from 'telegraf';
import type { TelegramConfig } from '../config.js';
import type { UpdateIntake } from '../updates/update-intake.js';
import type { Bot, BotStore } from './bot-store.js';
import { apiFailure, safeMessage, type BotClients } from './clients.js';

/** telegraf types its abort signal as the abort-controller package's; Node's own works the same. */
type TelegrafSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];

/** The update kinds the service handles; Telegram sends no others. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

export interface BotRunnerDeps {
  config: TelegramConfig;
  clients: BotClients;
  store: BotStore;
  intake: UpdateIntake;
  logger: Logger;
}

export function webhookUrlOf(bot: Pick<Bot, 'id' | 'publicBaseUrl'>): string {
  return `${(bot.publicBaseUrl ?? '').replace(/\/+$/, '')}/telegram/${bot.id}/webhook`;
}

/**
 * What the replica holding a bot's lease does for it: check the token (getMe; a token Telegram
 * refuses puts the bot in `error`), then in webhook mode register the webhook with the bot's
 * secret, or in polling mode long-poll getUpdates. A poller moves its offset past an update
 * only once the update is queued, so a crash re-reads rather than loses it. Network trouble is
 * retried with capped backoff.
 */
export class BotRunner {
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(
    readonly bot: Bot,
    private readonly deps: BotRunnerDeps,
  ) {
    this.log = deps.logger.child({ bot: bot.id, mode: bot.mode });
  }

  start(): void {
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    const tg = this.deps.clients.for(this.bot.token);
    let backoff = 500;
    while (!this.stopped) {
      try {
        const me = await tg.getMe();
        await this.deps.store.recordIdentity(this.bot.id, me.id, me.username);
        if (this.bot.mode === 'webhook') {
          await this.registerWebhook(tg);
          // Nothing more to do here: updates arrive at the webhook on any replica.
          await new Promise<void>((resolve) => this.abort.signal.addEventListener('abort', () => resolve(), { once: true }));
          return;
        }
        await tg.deleteWebhook({ drop_pending_updates: false });
        backoff = 500;
        await this.poll(tg);
      } catch (err) {
        if (this.stopped) return;
        const failure = apiFailure(err);
        if (failure && (failure.code === 401 || failure.code === 404)) {
          const reason = `Telegram refused the bot token (${failure.code} ${failure.description}); paste a current token from BotFather`;
          this.log.error({ reason }, 'bot token refused: the bot is stopped until an admin fixes it');
          await this.deps.store.markError(this.bot.id, reason).catch(() => undefined);
          return;
        }
        if (failure && failure.code === 400 && this.bot.mode === 'webhook') {
          const reason = `Telegram refused the webhook ${webhookUrlOf(this.bot)}: ${failure.description}`;
          this.log.error({ reason }, 'webhook refused: the bot is stopped until an admin fixes it');
          await this.deps.store.markError(this.bot.id, reason).catch(() => undefined);
          return;
        }
        const delay = Math.min(this.deps.config.TELEGRAM_RECONNECT_MAX_MS, backoff) * (0.75 + Math.random() * 0.5);
        this.log.warn({ err: safeMessage(err), retryInMs: Math.round(delay) }, 'Bot API call failed; retrying');
        backoff = Math.min(this.deps.config.TELEGRAM_RECONNECT_MAX_MS, backoff * 2);
        await this.sleep(delay);
      }
    }
  }

  private async registerWebhook(tg: Telegram): Promise<void> {
    const url = webhookUrlOf(this.bot);
    await tg.setWebhook(url, { secret_token: this.bot.webhookSecret, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false });
    this.log.info({ url }, 'webhook registered');
  }

  private async poll(tg: Telegram): Promise<void> {
    let offset: number | undefined;
    this.log.info('polling for updates');
    while (!this.stopped) {
      let updates: { update_id: number }[];
      try {
        updates = await tg.callApi(
          'getUpdates',
          { timeout: this.deps.config.TELEGRAM_POLL_TIMEOUT_S, allowed_updates: [...ALLOWED_UPDATES], ...(offset === undefined ? {} : { offset }) },
          { signal: this.abort.signal as unknown as TelegrafSignal },
        );
      } catch (err) {
        if (this.stopped) return;
        // A webhook set meanwhile (by hand, or a bot switched between modes): polling needs it gone.
        // (Another poller of the same token is a 409 too; that one is retried with backoff.)
        const conflict = apiFailure(err);
        if (conflict?.code === 409 && /webhook/i.test(conflict.description)) {
          this.log.warn('a webhook is set; removing it to poll');
          await tg.deleteWebhook({ drop_pending_updates: false });
          continue;
        }
        throw err;
      }
      for (const update of updates) {
        // Queued one by one, in order; a failure leaves offset at the first unqueued update.
        await this.deps.intake.queueUpdate(this.bot.id, update);
        offset = update.update_id + 1;
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}

import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Leases, REDIS } from '@switchboard/queue';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { TELEGRAM_CONFIG, type TelegramConfig } from '../config.js';
import { UpdateIntake } from '../updates/update-intake.js';
import { BotRunner } from './bot-runner.js';
import { BotStore } from './bot-store.js';
import { BotClients } from './clients.js';

/**
 * Decides which bots this replica runs (polls, or registers the webhook of): every refresh it
 * re-reads the bot list, takes the lease of each bot nobody holds, renews its own, and stops a
 * runner at once when its lease is lost or its bot is removed, changed or in error. So each bot
 * has one poller across all replicas, and a dead replica's bots move within the lease TTL.
 * Webhook calls are served by every replica regardless.
 */
@Injectable()
export class BotSupervisor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BotSupervisor.name);
  private readonly runners = new Map<string, BotRunner>();
  private readonly leases: Leases;
  private refreshTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(TELEGRAM_CONFIG) private readonly config: TelegramConfig,
    @Inject(REDIS) redis: Redis,
    private readonly store: BotStore,
    private readonly clients: BotClients,
    private readonly intake: UpdateIntake,
    private readonly pino: PinoLogger,
  ) {
    this.leases = new Leases(redis, `${config.QUEUE_PREFIX}:telegram-lease`, `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, config.TELEGRAM_LEASE_TTL_MS);
  }

  /** Bot ids this replica runs right now. */
  get running(): string[] {
    return [...this.runners.keys()];
  }

  async onApplicationBootstrap(): Promise<void> {
    this.refreshTimer = setInterval(() => void this.refresh(), this.config.TELEGRAM_BOT_REFRESH_MS);
    this.renewTimer = setInterval(() => void this.renew(), Math.max(1_000, Math.floor(this.config.TELEGRAM_LEASE_TTL_MS / 3)));
    await this.refresh();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.refreshTimer);
    clearInterval(this.renewTimer);
    await this.refreshing;
    await Promise.all([...this.runners.keys()].map((id) => this.stopRunner(id)));
  }

  /** Re-reads the bot list and starts or stops runners; one refresh at a time. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh()
      .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'could not refresh the bot list'))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    if (this.stopping) return;
    const wanted = await this.store.active();
    const ids = new Set(wanted.map((b) => b.id));
    for (const id of this.runners.keys()) if (!ids.has(id)) await this.stopRunner(id);
    for (const bot of wanted) {
      const runner = this.runners.get(bot.id);
      if (runner) {
        if (runner.bot.version === bot.version) continue;
        // New settings (token, mode, URL): start again with them, keeping the lease.
        await runner.stop();
        this.startRunner(bot);
        continue;
      }
      if (await this.leases.acquire(bot.id)) this.startRunner(bot);
    }
  }

  private startRunner(bot: BotRunner['bot']): void {
    const runner = new BotRunner(bot, {
      config: this.config,
      clients: this.clients,
      store: this.store,
      intake: this.intake,
      logger: this.pino.logger.child({ context: 'BotRunner' }),
    });
    this.runners.set(bot.id, runner);
    this.logger.log({ bot: bot.id, name: bot.name, mode: bot.mode }, 'took the lease of a bot');
    runner.start();
  }

  private async stopRunner(id: string): Promise<void> {
    const runner = this.runners.get(id);
    this.runners.delete(id);
    await runner?.stop();
    await this.leases.release(id).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    for (const id of [...this.runners.keys()]) {
      const held = await this.leases.renew(id).catch(() => false);
      if (!held) {
        this.logger.warn({ bot: id }, 'lost the lease of a bot; stopping its runner');
        const runner = this.runners.get(id);
        this.runners.delete(id);
        await runner?.stop();
      }
    }
  }
}

import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { LeasedRunners, Leases, REDIS } from '@switchboard/queue';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { TELEGRAM_CONFIG, type TelegramConfig } from '../config.js';
import { UpdateIntake } from '../updates/update-intake.js';
import { BotRunner } from './bot-runner.js';
import { BotStore, type Bot } from './bot-store.js';
import { BotClients } from './clients.js';

/**
 * Decides which bots this replica runs (polls, or registers the webhook of): one runner per bot
 * across all replicas, held by a Redis lease; a bot that is removed, disabled, in error or
 * changed stops or restarts at the next refresh. Webhook calls are served by every replica
 * regardless.
 */
@Injectable()
export class BotSupervisor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly runners: LeasedRunners<Bot, BotRunner>;

  constructor(
    @Inject(TELEGRAM_CONFIG) config: TelegramConfig,
    @Inject(REDIS) redis: Redis,
    store: BotStore,
    clients: BotClients,
    intake: UpdateIntake,
    pino: PinoLogger,
  ) {
    const leases = new Leases(redis, `${config.QUEUE_PREFIX}:telegram-lease`, `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, config.TELEGRAM_LEASE_TTL_MS);
    const logger = pino.logger.child({ context: 'BotRunner' });
    this.runners = new LeasedRunners<Bot, BotRunner>(
      leases,
      {
        noun: 'bot',
        wanted: () => store.active(),
        idOf: (bot) => bot.id,
        changed: (runner, bot) => runner.bot.version !== bot.version,
        start: (bot) => {
          const runner = new BotRunner(bot, { config, clients, store, intake, logger });
          runner.start();
          return runner;
        },
        describe: (bot) => ({ bot: bot.id, name: bot.name, mode: bot.mode }),
      },
      { refreshMs: config.TELEGRAM_BOT_REFRESH_MS, leaseTtlMs: config.TELEGRAM_LEASE_TTL_MS },
      BotSupervisor.name,
    );
  }

  /** Bot ids this replica runs right now. */
  get running(): string[] {
    return this.runners.running;
  }

  onApplicationBootstrap(): Promise<void> {
    return this.runners.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.runners.stop();
  }

  refresh(): Promise<void> {
    return this.runners.refresh();
  }
}

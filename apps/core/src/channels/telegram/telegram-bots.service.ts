import { randomBytes } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { conflict, DomainException, ErrorCode, notFound, SecretBox } from '@switchboard/common';
import { TelegramBot, type TelegramBotMode, type TelegramBotState } from '@switchboard/db';
import type { Repository } from 'typeorm';
import { containsPattern as contains, page, skipTake, type Page } from '../../common/pagination.js';
import { CORE_CONFIG, type CoreConfig } from '../../config.js';
import { pgCode, UNIQUE_VIOLATION } from '../../database/transaction.js';
import {
  botRuleIssues,
  tokenBotId,
  tokenHint,
  type CreateTelegramBotInput,
  type Issue,
  type ListTelegramBotsQuery,
  type UpdateTelegramBotInput,
} from './telegram-bots.schemas.js';

/** A bot as the API shows it: never the token or the webhook secret. */
export interface TelegramBotView {
  id: string;
  name: string;
  /** `123456:…wxyz`: the bot id and the token's last four characters. */
  tokenHint: string;
  /** What getMe said, once the Telegram service has asked; null before. */
  botUserId: string | null;
  botUsername: string | null;
  greeting: string;
  mode: TelegramBotMode;
  publicBaseUrl: string | null;
  /** Where Telegram delivers updates in webhook mode (`<publicBaseUrl>/telegram/<id>/webhook`); null in polling mode. */
  webhookUrl: string | null;
  enabled: boolean;
  state: TelegramBotState;
  stateReason: string | null;
  stateChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export enum TelegramBotErrorCode {
  BotTaken = 'telegram_bot_taken',
}

/** Settings that decide whether and how the Telegram service reaches Telegram: changing one lets a bot in `error` be tried again. */
const CONNECTION_SETTINGS = ['token', 'mode', 'publicBaseUrl'] as const satisfies readonly (keyof UpdateTelegramBotInput)[];

const invalid = (issues: Issue[]) =>
  new DomainException(
    ErrorCode.ValidationFailed,
    `invalid Telegram bot: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    HttpStatus.BAD_REQUEST,
    issues,
  );

/**
 * 32 random bytes, base64url: 43 characters of A-Z, a-z, 0-9, _ and -, all of which Telegram
 * allows in a webhook's secret_token (1–256 of them).
 */
export const newWebhookSecret = () => randomBytes(32).toString('base64url');

/**
 * The bots of the Telegram channel. Core only stores them (token and webhook secret sealed with
 * SECRETS_KEY); the Telegram service serves them, fills in what getMe says (`bot_user_id`,
 * `bot_username`) and moves `state` to `error` when Telegram refuses the token.
 */
@Injectable()
export class TelegramBotsService {
  private readonly box: SecretBox;

  constructor(
    @InjectRepository(TelegramBot) private readonly bots: Repository<TelegramBot>,
    @Inject(CORE_CONFIG) config: CoreConfig,
  ) {
    this.box = new SecretBox(config.SECRETS_KEY);
  }

  /** Ordered by name; `q` matches a substring of the name or the @username. */
  async list(query: ListTelegramBotsQuery): Promise<Page<TelegramBotView>> {
    const qb = this.bots.createQueryBuilder('b');
    if (query.q) qb.andWhere('(b.name ILIKE :q OR b.botUsername ILIKE :q)', { q: contains(query.q.replace(/^@/, '')) });
    if (query.enabled !== undefined) qb.andWhere('b.enabled = :enabled', { enabled: query.enabled });
    if (query.state) qb.andWhere('b.state = :state', { state: query.state });
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.orderBy('b.name', 'ASC').addOrderBy('b.id', 'ASC').offset(skip).limit(take).getManyAndCount();
    return page(rows.map(toTelegramBotView), total, query);
  }

  async get(id: string): Promise<TelegramBotView> {
    return toTelegramBotView(await this.findOrFail(id));
  }

  async create(input: CreateTelegramBotInput): Promise<TelegramBotView> {
    const { token, ...settings } = input;
    const botId = tokenBotId(token);
    await this.assertBotFree(botId);
    const row = this.bots.create({
      ...settings,
      tokenEncrypted: this.box.seal(token),
      tokenHint: tokenHint(token),
      tokenBotId: botId,
      webhookSecretEncrypted: this.box.seal(newWebhookSecret()),
      state: input.enabled ? 'active' : 'disabled',
    });
    const saved = await this.conflictExplained(botId, () => this.bots.save(row));
    return this.get(saved.id);
  }

  /**
   * Only the properties sent change. `enabled: false` disables the bot; enabling it, or changing
   * its token, mode or public URL, sets a bot in `error` back to `active` so the Telegram service
   * tries it again. A token of another bot forgets what getMe said about the old one.
   */
  async update(id: string, input: UpdateTelegramBotInput): Promise<TelegramBotView> {
    const row = await this.findOrFail(id);
    const { token, ...settings } = input;
    // Only the columns that change are written: the Telegram service sets the state and getMe's
    // answer on the same row meanwhile, and must not be set back.
    const changes: Partial<TelegramBot> = { ...settings };
    const issues = botRuleIssues({ ...row, ...changes });
    if (issues.length) throw invalid(issues);
    const botId = token === undefined ? undefined : tokenBotId(token);
    if (token !== undefined && botId !== undefined) {
      Object.assign(changes, { tokenEncrypted: this.box.seal(token), tokenHint: tokenHint(token), tokenBotId: botId });
      if (botId !== row.tokenBotId) {
        await this.assertBotFree(botId);
        Object.assign(changes, { botUserId: null, botUsername: null });
      }
    }
    const state = nextState(row.state, input.enabled ?? row.enabled, input);
    if (state !== row.state) Object.assign(changes, { state, stateReason: null, stateChangedAt: new Date() });
    await this.conflictExplained(botId, () => this.bots.update({ id }, changes));
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const { affected } = await this.bots.delete({ id });
    if (!affected) throw notFound('Telegram bot', id);
  }

  private async findOrFail(id: string): Promise<TelegramBot> {
    const row = await this.bots.findOneBy({ id });
    if (!row) throw notFound('Telegram bot', id);
    return row;
  }

  private async assertBotFree(botId: string): Promise<void> {
    const other = await this.bots.findOneBy({ tokenBotId: botId });
    if (other) {
      throw conflict(`the bot ${botId} is already connected as "${other.name}" (${other.id}); change that one's token instead`, TelegramBotErrorCode.BotTaken);
    }
  }

  /** A unique violation means a concurrent write added the same bot: answer as the pre-check would have. */
  private async conflictExplained<T>(botId: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (botId !== undefined && pgCode(err) === UNIQUE_VIOLATION) {
        throw conflict(`the bot ${botId} is already connected`, TelegramBotErrorCode.BotTaken);
      }
      throw err;
    }
  }
}

/** The state after a change: see TelegramBotsService.update. */
function nextState(before: TelegramBotState, enabled: boolean, input: UpdateTelegramBotInput): TelegramBotState {
  if (!enabled) return 'disabled';
  if (before === 'disabled') return 'active';
  if (before === 'error' && (input.enabled !== undefined || CONNECTION_SETTINGS.some((k) => input[k] !== undefined))) return 'active';
  return before;
}

export function webhookUrl(b: Pick<TelegramBot, 'id' | 'mode' | 'publicBaseUrl'>): string | null {
  return b.mode === 'webhook' && b.publicBaseUrl ? `${b.publicBaseUrl}/telegram/${b.id}/webhook` : null;
}

export function toTelegramBotView(b: TelegramBot): TelegramBotView {
  return {
    id: b.id,
    name: b.name,
    tokenHint: b.tokenHint,
    botUserId: b.botUserId,
    botUsername: b.botUsername,
    greeting: b.greeting,
    mode: b.mode,
    publicBaseUrl: b.publicBaseUrl,
    webhookUrl: webhookUrl(b),
    enabled: b.enabled,
    state: b.state,
    stateReason: b.stateReason,
    stateChangedAt: b.stateChangedAt,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}

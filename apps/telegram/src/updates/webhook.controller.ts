import { Body, Controller, Headers, HttpCode, Logger, Param, Post } from '@nestjs/common';
import { DomainException, ErrorCode } from '@switchboard/common';
import { timingSafeEqual } from 'node:crypto';
import { BotStore } from '../bots/bot-store.js';
import { UnusableUpdate, UpdateIntake } from './update-intake.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Telegram's webhook calls. An update is accepted only with the bot's secret in
 * `X-Telegram-Bot-Api-Secret-Token` (set by setWebhook), and answered as soon as it is queued:
 * the work happens on the telegram-updates queue. Anything but a 2xx makes Telegram retry later,
 * so an update is never lost to a brief Redis outage (503).
 */
@Controller('telegram')
export class WebhookController {
  private readonly logger = new Logger(WebhookController.name);

  constructor(
    private readonly store: BotStore,
    private readonly intake: UpdateIntake,
  ) {}

  @Post(':botId/webhook')
  @HttpCode(200)
  async receive(@Param('botId') botId: string, @Headers('x-telegram-bot-api-secret-token') secret: string | undefined, @Body() body: unknown): Promise<{ ok: true }> {
    const bot = UUID_RE.test(botId) ? await this.store.get(botId) : null;
    if (!bot || !bot.enabled || bot.mode !== 'webhook' || !sameSecret(secret, bot.webhookSecret)) {
      this.logger.warn({ botId: botId.slice(0, 64), secret: secret ? 'wrong' : 'missing' }, 'webhook call refused: unknown bot or wrong secret token');
      throw new DomainException(ErrorCode.Unauthenticated, 'unknown or disabled bot, or a wrong X-Telegram-Bot-Api-Secret-Token', 401);
    }
    try {
      await this.intake.queueUpdate(bot.id, body);
    } catch (err) {
      if (err instanceof UnusableUpdate) throw new DomainException(ErrorCode.ValidationFailed, err.message, 400);
      this.logger.error({ bot: bot.id, err: (err as Error).message }, 'could not queue an update; Telegram will deliver it again');
      throw new DomainException('unavailable', 'the update could not be queued; try again', 503);
    }
    return { ok: true };
  }
}

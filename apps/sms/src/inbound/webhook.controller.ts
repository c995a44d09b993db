import { Body, Controller, Headers, HttpCode, Logger, Param, Post, Req, Res } from '@nestjs/common';
import { DomainException, ErrorCode } from '@switchboard/common';
import type { Request, Response } from 'express';
import { ChannelStore } from '../channels/channel-store.js';
import { ProviderRegistry } from '../channels/provider-registry.js';
import { SMS_CONFIG, type SmsConfig } from '../config.js';
import { Inject } from '@nestjs/common';
import { SmsIntake } from './sms-intake.js';

/**
 * Webhooks of the HTTP providers: inbound SMS and status callbacks. A call the provider cannot
 * prove it made (a wrong or missing X-Twilio-Signature, a wrong SMS.ru secret in the path) is
 * refused with 403 and changes nothing. Anything else is answered only once what it carried is
 * queued, so a 5xx makes the provider deliver it again rather than lose it.
 *
 *   POST /sms/:channelId/twilio/inbound | /sms/:channelId/twilio/status
 *   POST /sms/:channelId/smsru/:secret
 */
@Controller('sms')
export class WebhookController {
  private readonly logger = new Logger(WebhookController.name);

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    private readonly channels: ChannelStore,
    private readonly providers: ProviderRegistry,
    private readonly intake: SmsIntake,
  ) {}

  @Post(':channelId/:provider/:hook')
  @HttpCode(200)
  async receive(
    @Param('channelId') channelId: string,
    @Param('provider') providerKind: string,
    @Req() req: Request,
    @Res() res: Response,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: unknown,
  ): Promise<void> {
    const channel = await this.channels.get(channelId);
    const refuse = (why: string) => {
      this.logger.warn({ channelId: channelId.slice(0, 64), provider: providerKind.slice(0, 16), why }, 'SMS webhook refused');
      return new DomainException(ErrorCode.Forbidden, 'the request could not be verified as coming from the SMS provider', 403);
    };
    if (!channel || !channel.enabled || channel.provider !== providerKind) throw refuse('unknown or disabled channel, or another provider');
    const provider = this.providers.for(channel);
    if (!provider.verifyWebhook || !provider.parseWebhook) throw refuse('this provider has no webhooks');
    // The URL the provider called, as it saw it (its signature covers it).
    const url = new URL(req.originalUrl, this.config.SMS_PUBLIC_URL).toString();
    const request = { url, headers, params: (body && typeof body === 'object' ? body : {}) as Record<string, unknown> };
    if (!provider.verifyWebhook(request)) throw refuse('signature or secret does not match');
    const content = provider.parseWebhook(request);
    try {
      for (const sms of content.inbound) await this.intake.takeInbound(channel, sms);
      for (const receipt of content.receipts) await this.intake.takeReceipt(channel, receipt);
    } catch (err) {
      this.logger.error({ channel: channel.id, err: (err as Error).message }, 'could not queue what an SMS webhook carried; the provider will retry');
      throw new DomainException('unavailable', 'the request could not be taken right now; try again', 503);
    }
    if (content.reply) res.type(content.reply.contentType).send(content.reply.body);
    else res.json({ ok: true });
  }
}

import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { SMS_CONFIG, type SmsConfig } from '../config.js';
import type { ProviderSettings, SmsProvider } from '../providers/provider.js';
import { SmppProvider } from '../providers/smpp/smpp-provider.js';
import { createSmsRuProvider } from '../providers/smsru/smsru-provider.js';
import { createTwilioProvider } from '../providers/twilio/twilio-provider.js';
import type { SmsChannel } from './channel-store.js';

/**
 * One provider object per channel and settings version: HTTP providers are plain clients; an
 * SMPP provider is also the channel's session (SessionSupervisor starts and stops it), so sends
 * go over the bind this replica keeps.
 */
@Injectable()
export class ProviderRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger(ProviderRegistry.name);
  private readonly providers = new Map<string, { version: string; provider: SmsProvider }>();

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    private readonly pino: PinoLogger,
  ) {}

  /** Whether the channel's provider keeps a session of its own (SMPP). */
  hasSession(channel: SmsChannel): boolean {
    return channel.provider === 'smpp';
  }

  for(channel: SmsChannel): SmsProvider {
    const held = this.providers.get(channel.id);
    if (held && held.version === channel.version) return held.provider;
    if (held) void this.stop(channel.id, held.provider);
    const provider = this.create(channel);
    this.providers.set(channel.id, { version: channel.version, provider });
    return provider;
  }

  /** Stops and forgets the channel's provider (its session, if it has one). */
  async close(channelId: string): Promise<void> {
    const held = this.providers.get(channelId);
    this.providers.delete(channelId);
    if (held) await this.stop(channelId, held.provider);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.providers.keys()].map((id) => this.close(id)));
  }

  private async stop(channelId: string, provider: SmsProvider): Promise<void> {
    await provider.stop?.().catch((err: unknown) => this.logger.warn({ channel: channelId, err: (err as Error).message }, 'stopping an SMS provider failed'));
  }

  private create(channel: SmsChannel): SmsProvider {
    const settings: ProviderSettings = {
      channelId: channel.id,
      sender: channel.sender,
      credentials: channel.credentials,
      ...(channel.baseUrl ? { baseUrl: channel.baseUrl } : {}),
    };
    const base = this.config.SMS_PUBLIC_URL.replace(/\/+$/, '');
    switch (channel.provider) {
      case 'twilio':
        return createTwilioProvider({ ...settings, statusCallbackUrl: `${base}/sms/${channel.id}/twilio/status` });
      case 'smsru':
        return createSmsRuProvider(settings, { webhookSecret: channel.webhookSecret });
      case 'smpp':
        return new SmppProvider(
          {
            ...settings,
            credentials: { ...channel.credentials, ...(channel.smppHost ? { host: channel.smppHost } : {}), ...(channel.smppPort ? { port: String(channel.smppPort) } : {}) },
          },
          { logger: this.pino.logger.child({ context: 'SmppProvider', channel: channel.id }) },
        );
    }
  }
}

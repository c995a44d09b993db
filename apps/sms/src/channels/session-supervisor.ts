import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { SMS_CONFIG, type SmsConfig } from '../config.js';
import { SmsIntake } from '../inbound/sms-intake.js';
import { ChannelStore, type SmsChannel } from './channel-store.js';
import { ProviderRegistry } from './provider-registry.js';

/**
 * Keeps a session open for every channel whose provider has one (SMPP): each replica binds its
 * own (the SMSC account must allow as many binds as replicas run), so sending never depends on
 * another replica, and whatever arrives on any bind (inbound SMS, receipts) is taken the same
 * way. Sessions restart when an admin changes the channel and stop when it is removed, disabled
 * or refused (wrong credentials put the channel in `error`).
 */
@Injectable()
export class SessionSupervisor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionSupervisor.name);
  private readonly running = new Map<string, SmsChannel>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    private readonly channels: ChannelStore,
    private readonly providers: ProviderRegistry,
    private readonly intake: SmsIntake,
  ) {}

  /** Channel ids with an open session here. */
  get sessions(): string[] {
    return [...this.running.keys()];
  }

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => void this.refresh(), this.config.SMS_CHANNEL_REFRESH_MS);
    await this.refresh();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.refreshing;
    await Promise.all([...this.running.values()].map((c) => this.stopSession(c)));
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh()
      .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'could not refresh the SMS channel list'))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    if (this.stopping) return;
    const wanted = (await this.channels.active()).filter((c) => this.providers.hasSession(c));
    const ids = new Set(wanted.map((c) => c.id));
    for (const channel of [...this.running.values()]) {
      const now = wanted.find((c) => c.id === channel.id);
      if (!ids.has(channel.id) || now?.version !== channel.version) await this.stopSession(channel);
    }
    for (const channel of wanted) if (!this.running.has(channel.id)) await this.startSession(channel);
  }

  private async startSession(channel: SmsChannel): Promise<void> {
    const provider = this.providers.for(channel);
    this.running.set(channel.id, channel);
    await provider.start!({
      onInbound: async (sms) => void (await this.intake.takeInbound(channel, sms)),
      onReceipt: async (receipt) => void (await this.intake.takeReceipt(channel, receipt)),
      onState: (state, detail) => {
        if (state === 'refused') {
          this.logger.error({ channel: channel.id, detail }, 'the SMS provider refused the credentials: the channel is stopped until an admin fixes it');
          void this.channels.markError(channel.id, `the SMSC refused the bind: ${detail}`).then(() => this.refresh());
        } else {
          this.logger.log({ channel: channel.id, state, detail }, state === 'up' ? 'SMS session up' : 'SMS session down; reconnecting');
        }
      },
    });
  }

  private async stopSession(channel: SmsChannel): Promise<void> {
    this.running.delete(channel.id);
    await this.providers.close(channel.id);
  }
}

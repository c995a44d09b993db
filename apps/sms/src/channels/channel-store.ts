import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SecretBox } from '@switchboard/common';
import type { DataSource } from 'typeorm';
import { SMS_CONFIG, type SmsConfig } from '../config.js';
import type { ProviderKind } from '../providers/provider.js';

/** An SMS channel as core's API stored it, with its secrets opened. */
export interface SmsChannel {
  id: string;
  name: string;
  provider: ProviderKind;
  /** E.164 number or alphanumeric sender name. */
  sender: string;
  credentials: Record<string, string>;
  smppHost: string | null;
  smppPort: number | null;
  baseUrl: string | null;
  throughputPerSecond: number;
  maxSegments: number;
  defaultRegion: string | null;
  webhookSecret: string;
  enabled: boolean;
  state: 'active' | 'error' | 'disabled';
  /** Changes whenever an admin edits the channel: sessions restart with the new settings. */
  version: string;
}

interface ChannelRow {
  id: string;
  name: string;
  provider: ProviderKind;
  sender: string;
  credentials_encrypted: string;
  smpp_host: string | null;
  smpp_port: number | null;
  base_url: string | null;
  throughput_per_second: number;
  max_segments: number;
  default_region: string | null;
  webhook_secret_encrypted: string;
  enabled: boolean;
  state: SmsChannel['state'];
  updated_at: Date;
}

const COLUMNS = `id, name, provider, sender, credentials_encrypted, smpp_host, smpp_port, base_url, throughput_per_second,
  max_segments, default_region, webhook_secret_encrypted, enabled, state, updated_at`;
/** Webhooks and replies look a channel up each time; a short cache keeps that off the database. */
const CACHE_MS = 2_000;

/** Reads the SMS channels core's API manages, and records their error state. */
@Injectable()
export class ChannelStore {
  private readonly box: SecretBox;
  private readonly cache = new Map<string, { channel: SmsChannel | null; at: number }>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(SMS_CONFIG) config: SmsConfig,
  ) {
    this.box = new SecretBox(config.SECRETS_KEY);
  }

  private open(row: ChannelRow): SmsChannel {
    return {
      id: row.id,
      name: row.name,
      provider: row.provider,
      sender: row.sender,
      credentials: JSON.parse(this.box.open(row.credentials_encrypted)) as Record<string, string>,
      smppHost: row.smpp_host,
      smppPort: row.smpp_port === null ? null : Number(row.smpp_port),
      baseUrl: row.base_url,
      throughputPerSecond: Number(row.throughput_per_second),
      maxSegments: Number(row.max_segments),
      defaultRegion: row.default_region,
      webhookSecret: this.box.open(row.webhook_secret_encrypted),
      enabled: row.enabled,
      state: row.state,
      version: new Date(row.updated_at).toISOString(),
    };
  }

  /** Channels to serve now: enabled and not stopped by an error. */
  async active(): Promise<SmsChannel[]> {
    const rows = await this.ds.query<ChannelRow[]>(`SELECT ${COLUMNS} FROM sms_channels WHERE enabled AND state = 'active' ORDER BY created_at`);
    return rows.map((r) => this.open(r));
  }

  /** The channel with this id (any state), from a cache at most a couple of seconds old. */
  async get(id: string): Promise<SmsChannel | null> {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.channel;
    const [row] = /^[0-9a-f-]{36}$/i.test(id) ? await this.ds.query<ChannelRow[]>(`SELECT ${COLUMNS} FROM sms_channels WHERE id = $1`, [id]) : [];
    const channel = row ? this.open(row) : null;
    this.cache.set(id, { channel, at: Date.now() });
    return channel;
  }

  /** Stops serving a channel until an admin fixes it (shown by the API with the provider's words). */
  async markError(id: string, reason: string): Promise<void> {
    await this.ds.query(`UPDATE sms_channels SET state = 'error', state_reason = $2, state_changed_at = now() WHERE id = $1 AND state <> 'error'`, [
      id,
      reason.slice(0, 2000),
    ]);
    this.cache.delete(id);
  }
}

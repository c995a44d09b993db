import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** The gateways the SMS service talks to: an SMPP 3.4 session, or the Twilio and SMS.ru HTTP APIs. */
export type SmsProvider = 'smpp' | 'twilio' | 'smsru';
/**
 * Where the channel stands, as for mailboxes and bots: `active` (served while enabled), `error`
 * (the SMS service stopped serving it, `state_reason` says why, e.g. the provider refused the
 * credentials, until an admin changes its connection settings or enables it again), `disabled`
 * (switched off by an admin).
 */
export type SmsChannelState = 'active' | 'error' | 'disabled';

/** What `credentials_encrypted` holds (as JSON, sealed), by provider. */
export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}
export interface SmsRuCredentials {
  apiId: string;
}
export interface SmppCredentials {
  systemId: string;
  password: string;
  systemType?: string;
}
export type SmsCredentials = TwilioCredentials | SmsRuCredentials | SmppCredentials;

/** The API base URL an HTTP provider's channel gets when the admin gives none. */
export const SMS_PROVIDER_DEFAULT_BASE_URLS = {
  twilio: 'https://api.twilio.com',
  smsru: 'https://sms.ru',
} as const satisfies Partial<Record<SmsProvider, string>>;

/**
 * A number (or alphanumeric sender id) the SMS service sends from and receives on; its messages'
 * `channelAccountId` is the channel's id. The provider's credentials are kept as one sealed JSON
 * object (`SecretBox`, key `SECRETS_KEY`; see SmsCredentials) and never leave core's API: only
 * `credentials_hint` is shown. SMS.ru does not sign its callbacks, so each channel has a random
 * `webhook_secret` (sealed) that its callback URL carries. The small value sets are text with
 * CHECK constraints, as for mailboxes.
 */
@Entity('sms_channels')
/** One channel per phone number: inbound SMS to it must land in one conversation. */
@Index('sms_channels_sender_number_key', ['sender'], { unique: true, where: `"sender" LIKE '+%'` })
@Check('sms_channels_provider_check', `"provider" IN ('smpp', 'twilio', 'smsru')`)
@Check('sms_channels_state_check', `"state" IN ('active', 'error', 'disabled')`)
@Check('sms_channels_smpp_check', `("provider" = 'smpp') = ("smpp_host" IS NOT NULL AND "smpp_port" IS NOT NULL)`)
@Check('sms_channels_smpp_port_check', `"smpp_port" BETWEEN 1 AND 65535`)
@Check('sms_channels_base_url_check', `("provider" = 'smpp') = ("base_url" IS NULL)`)
@Check('sms_channels_throughput_check', `"throughput_per_second" BETWEEN 1 AND 1000`)
@Check('sms_channels_max_segments_check', `"max_segments" BETWEEN 1 AND 20`)
@Check('sms_channels_default_region_check', `"default_region" ~ '^[A-Z]{2}$'`)
export class SmsChannel {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** What agents call it, e.g. "Support UK". */
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 10 })
  provider: SmsProvider;

  /** The number messages are sent from, in E.164 (`+447700900123`), or an alphanumeric sender id of 1–11 characters (`ACME`), which customers cannot answer. */
  @Column({ type: 'varchar', length: 16 })
  sender: string;

  /** The sealed JSON of the provider's credentials (SmsCredentials). */
  @Column({ name: 'credentials_encrypted', type: 'text' })
  credentialsEncrypted: string;

  /** Enough to recognise the credentials, not to use them: Twilio `AC12…ab34`, SMS.ru `…ab34`, SMPP the system_id. */
  @Column({ name: 'credentials_hint', type: 'text' })
  credentialsHint: string;

  /** SMPP only: the SMSC's host and port (both set for SMPP, both null otherwise). */
  @Column({ name: 'smpp_host', type: 'text', nullable: true })
  smppHost: string | null;

  @Column({ name: 'smpp_port', type: 'integer', nullable: true })
  smppPort: number | null;

  /** HTTP providers only (null for SMPP): the API's base URL, by default SMS_PROVIDER_DEFAULT_BASE_URLS; tests point it at loopback. */
  @Column({ name: 'base_url', type: 'text', nullable: true })
  baseUrl: string | null;

  /** Messages (segments) per second the SMS service sends through this channel at most. */
  @Column({ name: 'throughput_per_second', type: 'integer', default: 10 })
  throughputPerSecond: number;

  /** The longest message sent, in segments; a longer one fails instead of costing more. */
  @Column({ name: 'max_segments', type: 'integer', default: 6 })
  maxSegments: number;

  /** ISO 3166 country for numbers a provider writes without the + (e.g. `RU`); null: such numbers are refused. */
  @Column({ name: 'default_region', type: 'varchar', length: 2, nullable: true })
  defaultRegion: string | null;

  /** The sealed random secret in the SMS.ru callback URL (SMS.ru does not sign its callbacks); made for every channel. */
  @Column({ name: 'webhook_secret_encrypted', type: 'text' })
  webhookSecretEncrypted: string;

  /** The admin's switch; a disabled channel is not served. */
  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'varchar', length: 10, default: 'active' })
  state: SmsChannelState;

  /** Why the channel is in `error`, in the provider's words. */
  @Column({ name: 'state_reason', type: 'text', nullable: true })
  stateReason: string | null;

  @Column({ name: 'state_changed_at', type: 'timestamptz', default: () => 'now()' })
  stateChangedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

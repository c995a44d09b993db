import { randomBytes } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { conflict, DomainException, ErrorCode, notFound, SecretBox } from '@switchboard/common';
import { SmsChannel, type SmsChannelState, type SmsProvider } from '@switchboard/db';
import type { Repository } from 'typeorm';
import { containsPattern as contains, page, skipTake, type Page } from '../../common/pagination.js';
import { CORE_CONFIG, type CoreConfig } from '../../config.js';
import { pgCode, UNIQUE_VIOLATION } from '../../database/transaction.js';
import {
  checkCredentials,
  credentialsHint,
  settleConnection,
  type CreateSmsChannelInput,
  type Issue,
  type ListSmsChannelsQuery,
  type UpdateSmsChannelInput,
} from './sms-channels.schemas.js';

/**
 * The URLs an admin sets at the provider, under SMS_PUBLIC_URL. Twilio: the number's "A message
 * comes in" webhook and the status callback (Twilio signs both with the Auth Token). SMS.ru: the
 * callback, which carries the channel's secret because SMS.ru does not sign (`null` where the
 * secret is not to be shown). SMPP has none: inbound and receipts come over its session.
 */
export type SmsWebhookUrls = { inbound: string; status: string } | { callback: string | null } | null;

/** A channel as the API shows it: never the credentials or the webhook secret. */
export interface SmsChannelView {
  id: string;
  name: string;
  provider: SmsProvider;
  sender: string;
  /** Twilio `AC12…ab34`, SMS.ru `…ab34`, SMPP the system_id. */
  credentialsHint: string;
  smppHost: string | null;
  smppPort: number | null;
  baseUrl: string | null;
  throughputPerSecond: number;
  maxSegments: number;
  defaultRegion: string | null;
  webhookUrls: SmsWebhookUrls;
  enabled: boolean;
  state: SmsChannelState;
  stateReason: string | null;
  stateChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export enum SmsChannelErrorCode {
  SenderTaken = 'sms_sender_taken',
}

/** Settings that decide whether and how the SMS service reaches the provider: changing one lets a channel in `error` be tried again. */
const CONNECTION_SETTINGS = ['provider', 'sender', 'credentials', 'smppHost', 'smppPort', 'baseUrl'] as const satisfies readonly (keyof UpdateSmsChannelInput)[];

const invalid = (issues: Issue[]) =>
  new DomainException(
    ErrorCode.ValidationFailed,
    `invalid SMS channel: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    HttpStatus.BAD_REQUEST,
    issues,
  );

/** 32 random bytes, base64url (43 characters, safe in a URL path segment). */
export const newWebhookSecret = () => randomBytes(32).toString('base64url');

/**
 * The channels of the SMS channel: numbers (or sender ids) with their provider. Core only stores
 * them (credentials and the SMS.ru callback secret sealed with SECRETS_KEY); the SMS service
 * serves them and moves `state` to `error` when the provider refuses the credentials.
 */
@Injectable()
export class SmsChannelsService {
  private readonly box: SecretBox;
  private readonly publicUrl: string;

  constructor(
    @InjectRepository(SmsChannel) private readonly channels: Repository<SmsChannel>,
    @Inject(CORE_CONFIG) config: CoreConfig,
  ) {
    this.box = new SecretBox(config.SECRETS_KEY);
    this.publicUrl = config.SMS_PUBLIC_URL;
  }

  /** Ordered by name; `q` matches a substring of the name or the sender. */
  async list(query: ListSmsChannelsQuery): Promise<Page<SmsChannelView>> {
    const qb = this.channels.createQueryBuilder('c');
    if (query.q) qb.andWhere('(c.name ILIKE :q OR c.sender ILIKE :q)', { q: contains(query.q) });
    if (query.provider) qb.andWhere('c.provider = :provider', { provider: query.provider });
    if (query.enabled !== undefined) qb.andWhere('c.enabled = :enabled', { enabled: query.enabled });
    if (query.state) qb.andWhere('c.state = :state', { state: query.state });
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.orderBy('c.name', 'ASC').addOrderBy('c.id', 'ASC').offset(skip).limit(take).getManyAndCount();
    return page(
      rows.map((c) => this.view(c)),
      total,
      query,
    );
  }

  async get(id: string): Promise<SmsChannelView> {
    return this.view(await this.findOrFail(id));
  }

  /** The new channel, with the SMS.ru callback URL (secret included) this once. */
  async create(input: CreateSmsChannelInput): Promise<SmsChannelView> {
    const { credentials, ...settings } = input;
    await this.assertSenderFree(settings.sender);
    const secret = newWebhookSecret();
    const row = this.channels.create({
      ...settings,
      credentialsEncrypted: this.box.seal(JSON.stringify(credentials)),
      credentialsHint: credentialsHint(settings.provider, credentials),
      webhookSecretEncrypted: this.box.seal(secret),
      state: input.enabled ? 'active' : 'disabled',
    });
    const saved = await this.conflictExplained(settings.sender, () => this.channels.save(row));
    return this.view(await this.findOrFail(saved.id), secret);
  }

  /**
   * Only the properties sent change. A new provider needs its credentials (`baseUrl` goes back to
   * the new provider's default unless sent; the SMPP settings go when leaving SMPP). `enabled:
   * false` disables the channel; enabling it, or changing how it reaches the provider (provider,
   * sender, credentials, SMPP host and port, base URL), sets a channel in `error` back to `active`
   * so the SMS service tries it again.
   */
  async update(id: string, input: UpdateSmsChannelInput): Promise<SmsChannelView> {
    const row = await this.findOrFail(id);
    const { credentials, provider: newProvider, smppHost, smppPort, baseUrl, ...settings } = input;
    const provider = newProvider ?? row.provider;
    const issues: Issue[] = [];
    // Only the columns that change are written: the SMS service sets the state on the same row meanwhile.
    const changes: Partial<SmsChannel> = { ...settings };

    const connection = settleConnection(provider, { smppHost, smppPort, baseUrl }, row);
    if ('issues' in connection) issues.push(...connection.issues);
    else Object.assign(changes, connection.connection);

    if (provider !== row.provider && credentials === undefined) {
      issues.push({ path: 'credentials', message: `are required when the provider changes: the ${row.provider} credentials do not fit ${provider}` });
    } else if (credentials !== undefined) {
      const checked = checkCredentials(provider, credentials);
      if ('issues' in checked) issues.push(...checked.issues);
      else Object.assign(changes, { credentialsEncrypted: this.box.seal(JSON.stringify(checked.credentials)), credentialsHint: credentialsHint(provider, checked.credentials) });
    }
    if (issues.length) throw invalid(issues);

    if (settings.sender !== undefined && settings.sender !== row.sender) await this.assertSenderFree(settings.sender, id);
    const state = nextState(row.state, input.enabled ?? row.enabled, input);
    if (state !== row.state) Object.assign(changes, { state, stateReason: null, stateChangedAt: new Date() });
    await this.conflictExplained(settings.sender, () => this.channels.update({ id }, changes));
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const { affected } = await this.channels.delete({ id });
    if (!affected) throw notFound('SMS channel', id);
  }

  /** Every URL to configure at the provider, the SMS.ru callback with its secret (admins only). */
  async webhookUrls(id: string): Promise<{ id: string; provider: SmsProvider; webhookUrls: SmsWebhookUrls }> {
    const row = await this.findOrFail(id);
    return { id: row.id, provider: row.provider, webhookUrls: webhookUrls(this.publicUrl, row, this.box.open(row.webhookSecretEncrypted)) };
  }

  private view(c: SmsChannel, secret?: string): SmsChannelView {
    return toSmsChannelView(c, webhookUrls(this.publicUrl, c, secret));
  }

  private async findOrFail(id: string): Promise<SmsChannel> {
    const row = await this.channels.findOneBy({ id });
    if (!row) throw notFound('SMS channel', id);
    return row;
  }

  /** A phone number is served by one channel (alphanumeric sender ids may repeat). */
  private async assertSenderFree(sender: string, exceptId?: string): Promise<void> {
    if (!sender.startsWith('+')) return;
    const other = await this.channels.findOneBy({ sender });
    if (other && other.id !== exceptId) {
      throw conflict(`the number ${sender} is already the channel "${other.name}" (${other.id}); change that one instead`, SmsChannelErrorCode.SenderTaken);
    }
  }

  /** A unique violation means a concurrent write took the number: answer as the pre-check would have. */
  private async conflictExplained<T>(sender: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (sender !== undefined && pgCode(err) === UNIQUE_VIOLATION) throw conflict(`the number ${sender} is already in use by another SMS channel`, SmsChannelErrorCode.SenderTaken);
      throw err;
    }
  }
}

/** The state after a change: see SmsChannelsService.update. */
function nextState(before: SmsChannelState, enabled: boolean, input: UpdateSmsChannelInput): SmsChannelState {
  if (!enabled) return 'disabled';
  if (before === 'disabled') return 'active';
  if (before === 'error' && (input.enabled !== undefined || CONNECTION_SETTINGS.some((k) => input[k] !== undefined))) return 'active';
  return before;
}

/** See SmsWebhookUrls; `secret` given only where the SMS.ru callback may be shown. */
export function webhookUrls(publicUrl: string, c: Pick<SmsChannel, 'id' | 'provider'>, secret?: string): SmsWebhookUrls {
  const base = `${publicUrl}/sms/${c.id}`;
  switch (c.provider) {
    case 'twilio':
      return { inbound: `${base}/twilio/inbound`, status: `${base}/twilio/status` };
    case 'smsru':
      return { callback: secret ? `${base}/smsru/${secret}` : null };
    case 'smpp':
      return null;
  }
}

export function toSmsChannelView(c: SmsChannel, urls: SmsWebhookUrls): SmsChannelView {
  return {
    id: c.id,
    name: c.name,
    provider: c.provider,
    sender: c.sender,
    credentialsHint: c.credentialsHint,
    smppHost: c.smppHost,
    smppPort: c.smppPort,
    baseUrl: c.baseUrl,
    throughputPerSecond: c.throughputPerSecond,
    maxSegments: c.maxSegments,
    defaultRegion: c.defaultRegion,
    webhookUrls: urls,
    enabled: c.enabled,
    state: c.state,
    stateReason: c.stateReason,
    stateChangedAt: c.stateChangedAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

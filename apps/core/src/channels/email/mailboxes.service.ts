import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { conflict, DomainException, ErrorCode, notFound, SecretBox, SecretOpenError } from '@switchboard/common';
import { Mailbox, type MailboxImapAuth, type MailboxProcessedAction, type MailboxSmtpSecurity, type MailboxState } from '@switchboard/db';
import type { Repository } from 'typeorm';
import { containsPattern as contains, page, skipTake, type Page } from '../../common/pagination.js';
import { CORE_CONFIG, type CoreConfig } from '../../config.js';
import { pgCode, UNIQUE_VIOLATION } from '../../database/transaction.js';
import { probeImap, probeSmtp, type ProbeResult } from './connection-test.js';
import { mailboxRuleIssues, type CreateMailboxInput, type Issue, type ListMailboxesQuery, type UpdateMailboxInput } from './mailboxes.schemas.js';

/** A mailbox as the API shows it: the secrets only as whether they are set. */
export interface MailboxView {
  id: string;
  name: string;
  address: string;
  displayName: string | null;
  imapHost: string;
  imapPort: number;
  imapTls: boolean;
  imapUser: string;
  imapAuth: MailboxImapAuth;
  hasImapSecret: boolean;
  folder: string;
  processedAction: MailboxProcessedAction;
  processedFolder: string | null;
  smtpHost: string;
  smtpPort: number;
  smtpSecurity: MailboxSmtpSecurity;
  smtpUser: string | null;
  hasSmtpSecret: boolean;
  markerFormat: string;
  createContacts: boolean;
  maxAttachmentBytes: number;
  enabled: boolean;
  state: MailboxState;
  stateReason: string | null;
  stateChangedAt: Date;
  /** Where the e-mail service is in the folder: its UIDVALIDITY and the last UID handed to core. */
  uidValidity: string | null;
  lastUid: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface MailboxTestResult {
  imap: ProbeResult;
  smtp: ProbeResult;
}

export enum MailboxErrorCode {
  AddressTaken = 'mailbox_address_taken',
}

/** Settings that decide how the e-mail service connects: changing one lets a mailbox in `error` be tried again. */
const CONNECTION_SETTINGS = [
  'imapHost',
  'imapPort',
  'imapTls',
  'imapUser',
  'imapAuth',
  'imapSecret',
  'folder',
  'processedAction',
  'processedFolder',
  'smtpHost',
  'smtpPort',
  'smtpSecurity',
  'smtpUser',
  'smtpSecret',
] as const satisfies readonly (keyof UpdateMailboxInput)[];

/** Settings that name another folder or account: the UIDs read so far mean nothing there. */
const CURSOR_SETTINGS = ['imapHost', 'imapUser', 'folder'] as const satisfies readonly (keyof UpdateMailboxInput)[];

const invalid = (issues: Issue[]) =>
  new DomainException(
    ErrorCode.ValidationFailed,
    `invalid mailbox: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    HttpStatus.BAD_REQUEST,
    issues,
  );

/**
 * The mailboxes of the e-mail channel. Core only stores them (secrets sealed with SECRETS_KEY)
 * and can test a login; the e-mail service reads and sends with them, and moves `state` to
 * `error` when a server refuses it.
 */
@Injectable()
export class MailboxesService {
  private readonly box: SecretBox;

  constructor(
    @InjectRepository(Mailbox) private readonly mailboxes: Repository<Mailbox>,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {
    this.box = new SecretBox(config.SECRETS_KEY);
  }

  /** Ordered by address; `q` matches a substring of the name or address. */
  async list(query: ListMailboxesQuery): Promise<Page<MailboxView>> {
    const qb = this.mailboxes.createQueryBuilder('m');
    if (query.q) qb.andWhere('(m.name ILIKE :q OR m.address ILIKE :q)', { q: contains(query.q) });
    if (query.enabled !== undefined) qb.andWhere('m.enabled = :enabled', { enabled: query.enabled });
    if (query.state) qb.andWhere('m.state = :state', { state: query.state });
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.orderBy('m.address', 'ASC').offset(skip).limit(take).getManyAndCount();
    return page(rows.map(toMailboxView), total, query);
  }

  async get(id: string): Promise<MailboxView> {
    return toMailboxView(await this.findOrFail(id));
  }

  async create(input: CreateMailboxInput): Promise<MailboxView> {
    this.checkLimits(input);
    await this.assertAddressFree(input.address);
    const { imapSecret, smtpSecret, ...settings } = input;
    const row = this.mailboxes.create({
      ...settings,
      imapSecret: this.box.seal(imapSecret),
      smtpSecret: smtpSecret === null ? null : this.box.seal(smtpSecret),
      state: input.enabled ? 'active' : 'disabled',
    });
    const saved = await this.addressConflictExplained(input.address, () => this.mailboxes.save(row));
    return this.get(saved.id);
  }

  /**
   * Only the properties sent change. `enabled: false` disables the mailbox; enabling it, or
   * changing how it connects, sets a mailbox in `error` back to `active` so the e-mail service
   * tries it again. A new host, user or folder restarts the e-mail service's reading position.
   */
  async update(id: string, input: UpdateMailboxInput): Promise<MailboxView> {
    const row = await this.findOrFail(id);
    const { imapSecret, smtpSecret, ...settings } = input;
    // Only the columns that change are written: the e-mail service moves the reading position
    // and the state of the same row meanwhile, and must not be set back.
    const changes: Partial<Mailbox> = { ...settings };
    if (input.smtpUser === null && smtpSecret === undefined) changes.smtpSecret = null;
    if (input.processedAction === 'flag' && input.processedFolder === undefined) changes.processedFolder = null;
    const next = { ...row, ...changes };
    const issues = mailboxRuleIssues({ ...next, hasSmtpSecret: smtpSecret !== undefined ? smtpSecret !== null : next.smtpSecret !== null });
    if (issues.length) throw invalid(issues);
    this.checkLimits(next);
    if (imapSecret !== undefined) changes.imapSecret = this.box.seal(imapSecret);
    if (smtpSecret !== undefined) changes.smtpSecret = smtpSecret === null ? null : this.box.seal(smtpSecret);
    if (CURSOR_SETTINGS.some((k) => input[k] !== undefined && input[k] !== row[k])) {
      changes.uidValidity = null;
      changes.lastUid = '0';
    }
    const state = nextState(row.state, next.enabled, input);
    if (state !== row.state) Object.assign(changes, { state, stateReason: null, stateChangedAt: new Date() });

    if (input.address !== undefined && input.address !== row.address) await this.assertAddressFree(input.address);
    await this.addressConflictExplained(input.address, () => this.mailboxes.update({ id }, changes));
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const { affected } = await this.mailboxes.delete({ id });
    if (!affected) throw notFound('mailbox', id);
  }

  /** Tries to log in to both servers with the stored settings, side by side; changes nothing. */
  async test(id: string): Promise<MailboxTestResult> {
    const m = await this.findOrFail(id);
    const imapSecret = this.openSecret(m.imapSecret, 'imapSecret');
    const smtpSecret = m.smtpSecret === null ? { value: null } : this.openSecret(m.smtpSecret, 'smtpSecret');
    const [imap, smtp] = await Promise.all([
      'error' in imapSecret
        ? imapSecret.error
        : probeImap({ host: m.imapHost, port: m.imapPort, tls: m.imapTls, user: m.imapUser, auth: m.imapAuth, secret: imapSecret.value, folder: m.folder }),
      'error' in smtpSecret
        ? smtpSecret.error
        : probeSmtp({ host: m.smtpHost, port: m.smtpPort, security: m.smtpSecurity, user: m.smtpUser, auth: m.imapAuth, secret: smtpSecret.value }),
    ]);
    return { imap, smtp };
  }

  private openSecret(sealed: string, name: string): { value: string } | { error: ProbeResult } {
    try {
      return { value: this.box.open(sealed) };
    } catch (err) {
      if (!(err instanceof SecretOpenError)) throw err;
      return { error: { ok: false, error: `the stored ${name} cannot be used (${err.message}); set it again` } };
    }
  }

  /** A mailbox may not take attachments core would refuse anyway. */
  private checkLimits(m: { maxAttachmentBytes: number }): void {
    const max = this.config.ATTACHMENT_MAX_BYTES;
    if (m.maxAttachmentBytes > max) {
      throw invalid([{ path: 'maxAttachmentBytes', message: `must be at most ${max} (core's ATTACHMENT_MAX_BYTES)` }]);
    }
  }

  private async findOrFail(id: string): Promise<Mailbox> {
    const row = await this.mailboxes.findOneBy({ id });
    if (!row) throw notFound('mailbox', id);
    return row;
  }

  private async assertAddressFree(address: string): Promise<void> {
    const other = await this.mailboxes.findOneBy({ address });
    if (other) throw conflict(`a mailbox with the address ${address} already exists (${other.id})`, MailboxErrorCode.AddressTaken);
  }

  /** A unique violation means a concurrent write took the address: answer as the pre-check would have. */
  private async addressConflictExplained<T>(address: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (address !== undefined && pgCode(err) === UNIQUE_VIOLATION) {
        throw conflict(`a mailbox with the address ${address} already exists`, MailboxErrorCode.AddressTaken);
      }
      throw err;
    }
  }
}

/** The state after a change: see MailboxesService.update. */
function nextState(before: MailboxState, enabled: boolean, input: UpdateMailboxInput): MailboxState {
  if (!enabled) return 'disabled';
  if (before === 'disabled') return 'active';
  if (before === 'error' && (input.enabled !== undefined || CONNECTION_SETTINGS.some((k) => input[k] !== undefined))) return 'active';
  return before;
}

export function toMailboxView(m: Mailbox): MailboxView {
  return {
    id: m.id,
    name: m.name,
    address: m.address,
    displayName: m.displayName,
    imapHost: m.imapHost,
    imapPort: m.imapPort,
    imapTls: m.imapTls,
    imapUser: m.imapUser,
    imapAuth: m.imapAuth,
    hasImapSecret: Boolean(m.imapSecret),
    folder: m.folder,
    processedAction: m.processedAction,
    processedFolder: m.processedFolder,
    smtpHost: m.smtpHost,
    smtpPort: m.smtpPort,
    smtpSecurity: m.smtpSecurity,
    smtpUser: m.smtpUser,
    hasSmtpSecret: m.smtpSecret !== null,
    markerFormat: m.markerFormat,
    createContacts: m.createContacts,
    maxAttachmentBytes: m.maxAttachmentBytes,
    enabled: m.enabled,
    state: m.state,
    stateReason: m.stateReason,
    stateChangedAt: m.stateChangedAt,
    uidValidity: m.uidValidity,
    lastUid: Number(m.lastUid),
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

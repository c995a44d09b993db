import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SecretBox } from '@switchboard/common';
import { Mailbox } from '@switchboard/db';
import type { DataSource } from 'typeorm';
import { EMAIL_CONFIG, type EmailConfig } from '../config.js';

/** A mailbox with its secrets opened, as the IMAP reader and the SMTP sender need it. */
export interface MailboxAccess {
  row: Mailbox;
  imapSecret: string;
  smtpSecret: string | null;
}

/** The cursor of a mailbox: which UIDs of which UIDVALIDITY have been committed. */
export interface MailboxCursor {
  uidValidity: string | null;
  lastUid: number;
}

/** Reads mailboxes (written by core's API) and keeps their reading state: cursor and error state. */
@Injectable()
export class MailboxStore {
  private readonly box: SecretBox;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(EMAIL_CONFIG) config: EmailConfig,
  ) {
    this.box = new SecretBox(config.SECRETS_KEY);
  }

  /** Mailboxes this service should read now: enabled and not stopped by an error. */
  async readable(): Promise<Mailbox[]> {
    return this.ds.getRepository(Mailbox).find({ where: { enabled: true, state: 'active' }, order: { createdAt: 'ASC' } });
  }

  async get(id: string): Promise<Mailbox | null> {
    return this.ds.getRepository(Mailbox).findOne({ where: { id } });
  }

  /** The mailbox replies leave from: the given one, else the oldest enabled one. */
  async forSending(id: string | undefined): Promise<Mailbox | null> {
    const repo = this.ds.getRepository(Mailbox);
    const byId = id && /^[0-9a-f-]{36}$/i.test(id) ? await repo.findOne({ where: { id } }) : null;
    return byId ?? repo.findOne({ where: { enabled: true }, order: { createdAt: 'ASC' } });
  }

  access(row: Mailbox): MailboxAccess {
    return { row, imapSecret: this.box.open(row.imapSecret), smtpSecret: row.smtpSecret ? this.box.open(row.smtpSecret) : null };
  }

  async cursor(id: string): Promise<MailboxCursor> {
    const [row] = await this.ds.query<{ uidValidity: string | null; lastUid: string }[]>(
      `SELECT uid_validity AS "uidValidity", last_uid AS "lastUid" FROM mailboxes WHERE id = $1`,
      [id],
    );
    return { uidValidity: row?.uidValidity ?? null, lastUid: Number(row?.lastUid ?? 0) };
  }

  /** Moves the cursor forward only (a slower replica that lost its lease cannot move it back). */
  async advance(id: string, uidValidity: string, lastUid: number): Promise<void> {
    await this.ds.query(
      `UPDATE mailboxes SET uid_validity = $2, last_uid = $3
        WHERE id = $1 AND (uid_validity IS DISTINCT FROM $2 OR last_uid < $3)`,
      [id, uidValidity, lastUid],
    );
  }

  /** A new UIDVALIDITY: every UID is new; Message-ID deduplication keeps re-read mail from doubling. */
  async resetCursor(id: string, uidValidity: string): Promise<void> {
    await this.ds.query(`UPDATE mailboxes SET uid_validity = $2, last_uid = 0 WHERE id = $1`, [id, uidValidity]);
  }

  /** Stops reading a mailbox until an admin fixes it (shown by the API with the server's words). */
  async markError(id: string, reason: string): Promise<void> {
    await this.ds.query(`UPDATE mailboxes SET state = 'error', state_reason = $2, state_changed_at = now() WHERE id = $1 AND state <> 'error'`, [
      id,
      reason.slice(0, 2000),
    ]);
  }
}

import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

export type MailboxImapAuth = 'password' | 'xoauth2';
export type MailboxProcessedAction = 'flag' | 'move';
export type MailboxSmtpSecurity = 'tls' | 'starttls' | 'none';
/**
 * Where the mailbox stands: `active` (read and sent from while enabled), `error` (the e-mail
 * service stopped reading it, `state_reason` says why, until an admin changes its settings or
 * enables it again), `disabled` (switched off by an admin).
 */
export type MailboxState = 'active' | 'error' | 'disabled';

/**
 * An e-mail account the e-mail service reads (IMAP) and sends from (SMTP). Secrets are stored
 * sealed (`SecretBox` from @switchboard/common, key `SECRETS_KEY`) and never leave core's API.
 * The small sets of values are text with CHECK constraints rather than enum types, so adding one
 * later is a plain migration.
 */
@Entity('mailboxes')
@Unique('mailboxes_address_key', ['address'])
@Check('mailboxes_address_lower_check', `"address" = lower("address")`)
@Check('mailboxes_imap_auth_check', `"imap_auth" IN ('password', 'xoauth2')`)
@Check('mailboxes_processed_action_check', `"processed_action" IN ('flag', 'move')`)
@Check('mailboxes_processed_folder_check', `"processed_action" <> 'move' OR "processed_folder" IS NOT NULL`)
@Check('mailboxes_smtp_security_check', `"smtp_security" IN ('tls', 'starttls', 'none')`)
@Check('mailboxes_state_check', `"state" IN ('active', 'error', 'disabled')`)
@Check('mailboxes_marker_format_check', `position('{number}' in "marker_format") > 0`)
@Check('mailboxes_ports_check', `"imap_port" BETWEEN 1 AND 65535 AND "smtp_port" BETWEEN 1 AND 65535`)
export class Mailbox {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** What agents call it, e.g. "Support EU". */
  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** The From address of replies, stored lower-case. (Its messages' `channelAccountId` is the mailbox id.) */
  @Column({ type: 'text' })
  address: string;

  /** The From display name of replies, e.g. "Acme Support". */
  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName: string | null;

  @Column({ name: 'imap_host', type: 'varchar', length: 253 })
  imapHost: string;

  @Column({ name: 'imap_port', type: 'integer' })
  imapPort: number;

  /** TLS from the first byte (usually port 993); false: STARTTLS when the server offers it. */
  @Column({ name: 'imap_tls', type: 'boolean', default: true })
  imapTls: boolean;

  @Column({ name: 'imap_user', type: 'text' })
  imapUser: string;

  /** How both IMAP and SMTP log in: a password, or an OAuth 2 access token (XOAUTH2). */
  @Column({ name: 'imap_auth', type: 'varchar', length: 20, default: 'password' })
  imapAuth: MailboxImapAuth;

  /** The sealed password or token. */
  @Column({ name: 'imap_secret', type: 'text' })
  imapSecret: string;

  @Column({ type: 'varchar', length: 200, default: 'INBOX' })
  folder: string;

  /** What the e-mail service does with a message once it is on the queue: flag it \Seen, or move it. */
  @Column({ name: 'processed_action', type: 'varchar', length: 10, default: 'flag' })
  processedAction: MailboxProcessedAction;

  /** Where `move` puts processed messages. */
  @Column({ name: 'processed_folder', type: 'varchar', length: 200, nullable: true })
  processedFolder: string | null;

  @Column({ name: 'smtp_host', type: 'varchar', length: 253 })
  smtpHost: string;

  @Column({ name: 'smtp_port', type: 'integer' })
  smtpPort: number;

  /** `tls`: TLS from the first byte (465); `starttls`: upgrade required (587); `none`: plain text. */
  @Column({ name: 'smtp_security', type: 'varchar', length: 10 })
  smtpSecurity: MailboxSmtpSecurity;

  /** Null: the SMTP server takes mail without logging in. */
  @Column({ name: 'smtp_user', type: 'text', nullable: true })
  smtpUser: string | null;

  /** The sealed SMTP password or token; null when there is no smtp_user. */
  @Column({ name: 'smtp_secret', type: 'text', nullable: true })
  smtpSecret: string | null;

  /** How the ticket number appears in the subject of replies; contains `{number}`. */
  @Column({ name: 'marker_format', type: 'varchar', length: 50, default: '[#{number}]' })
  markerFormat: string;

  /** Whether mail from an unknown sender creates a contact (and a ticket). */
  @Column({ name: 'create_contacts', type: 'boolean', default: true })
  createContacts: boolean;

  @Column({ name: 'max_attachment_bytes', type: 'integer', default: 10 * 1024 * 1024 })
  maxAttachmentBytes: number;

  /** The admin's switch; a disabled mailbox is neither read nor sent from. */
  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'varchar', length: 10, default: 'active' })
  state: MailboxState;

  /** Why the mailbox is in `error`, in the server's words. */
  @Column({ name: 'state_reason', type: 'text', nullable: true })
  stateReason: string | null;

  @Column({ name: 'state_changed_at', type: 'timestamptz', default: () => 'now()' })
  stateChangedAt: Date;

  /** The folder's UIDVALIDITY when last_uid was read (a 64-bit value, so text). */
  @Column({ name: 'uid_validity', type: 'text', nullable: true })
  uidValidity: string | null;

  /** The highest UID the e-mail service has handed to core (bigint: returned as a string). */
  @Column({ name: 'last_uid', type: 'bigint', default: 0 })
  lastUid: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

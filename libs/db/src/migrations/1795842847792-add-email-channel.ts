import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-mail channel: the mailboxes the e-mail service reads and sends from, the addresses allowed to
 * write on a ticket besides its contact, and the e-mail reasons a message was threaded by.
 *
 * `ALTER TYPE … ADD VALUE` runs inside this migration's transaction (PostgreSQL 12 and later allow
 * it there; the new values only become usable once the transaction commits, and nothing here uses
 * them). PostgreSQL cannot drop an enum value, so `down` maps the e-mail reasons back to the
 * generic ones and recreates the type.
 */
export class AddEmailChannel1795842847792 implements MigrationInterface {
  name = 'AddEmailChannel1795842847792';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "mailboxes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "address" text NOT NULL, "display_name" character varying(200), "imap_host" character varying(253) NOT NULL, "imap_port" integer NOT NULL, "imap_tls" boolean NOT NULL DEFAULT true, "imap_user" text NOT NULL, "imap_auth" character varying(20) NOT NULL DEFAULT 'password', "imap_secret" text NOT NULL, "folder" character varying(200) NOT NULL DEFAULT 'INBOX', "processed_action" character varying(10) NOT NULL DEFAULT 'flag', "processed_folder" character varying(200), "smtp_host" character varying(253) NOT NULL, "smtp_port" integer NOT NULL, "smtp_security" character varying(10) NOT NULL, "smtp_user" text, "smtp_secret" text, "marker_format" character varying(50) NOT NULL DEFAULT '[#{number}]', "create_contacts" boolean NOT NULL DEFAULT true, "max_attachment_bytes" integer NOT NULL DEFAULT '10485760', "enabled" boolean NOT NULL DEFAULT true, "state" character varying(10) NOT NULL DEFAULT 'active', "state_reason" text, "state_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "uid_validity" text, "last_uid" bigint NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "mailboxes_address_key" UNIQUE ("address"), CONSTRAINT "mailboxes_ports_check" CHECK ("imap_port" BETWEEN 1 AND 65535 AND "smtp_port" BETWEEN 1 AND 65535), CONSTRAINT "mailboxes_marker_format_check" CHECK (position('{number}' in "marker_format") > 0), CONSTRAINT "mailboxes_state_check" CHECK ("state" IN ('active', 'error', 'disabled')), CONSTRAINT "mailboxes_smtp_security_check" CHECK ("smtp_security" IN ('tls', 'starttls', 'none')), CONSTRAINT "mailboxes_processed_folder_check" CHECK ("processed_action" <> 'move' OR "processed_folder" IS NOT NULL), CONSTRAINT "mailboxes_processed_action_check" CHECK ("processed_action" IN ('flag', 'move')), CONSTRAINT "mailboxes_imap_auth_check" CHECK ("imap_auth" IN ('password', 'xoauth2')), CONSTRAINT "mailboxes_address_lower_check" CHECK ("address" = lower("address")), CONSTRAINT "PK_1471bf7ef6d7f1279fbbdf89a1d" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "ticket_participants" ("ticket_id" uuid NOT NULL, "kind" "public"."identity_kind" NOT NULL, "value" text NOT NULL, "added_by_agent_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ticket_participants_pkey" PRIMARY KEY ("ticket_id", "kind", "value"))`);
    await q.query(`ALTER TYPE "public"."threaded_by" ADD VALUE 'in_reply_to'`);
    await q.query(`ALTER TYPE "public"."threaded_by" ADD VALUE 'references'`);
    await q.query(`ALTER TYPE "public"."threaded_by" ADD VALUE 'signed_id'`);
    await q.query(`ALTER TYPE "public"."threaded_by" ADD VALUE 'subject_marker'`);
    await q.query(`ALTER TYPE "public"."threaded_by" ADD VALUE 'body_marker'`);
    await q.query(`ALTER TABLE "ticket_participants" ADD CONSTRAINT "FK_9037c6573a87bb7590574e8c508" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "ticket_participants" ADD CONSTRAINT "FK_d7632ac545ea44187f88c024302" FOREIGN KEY ("added_by_agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "ticket_participants" DROP CONSTRAINT "FK_d7632ac545ea44187f88c024302"`);
    await q.query(`ALTER TABLE "ticket_participants" DROP CONSTRAINT "FK_9037c6573a87bb7590574e8c508"`);
    await q.query(`CREATE TYPE "public"."threaded_by_old" AS ENUM('new', 'ticket_id', 'ticket_number', 'message_id', 'thread_key')`);
    // The default is of the current type and would not convert with the column: set it again afterwards.
    await q.query(`ALTER TABLE "messages" ALTER COLUMN "threaded_by" DROP DEFAULT`);
    await q.query(
      `ALTER TABLE "messages" ALTER COLUMN "threaded_by" TYPE "public"."threaded_by_old" USING (CASE "threaded_by"::text
         WHEN 'in_reply_to' THEN 'message_id' WHEN 'references' THEN 'message_id' WHEN 'signed_id' THEN 'message_id'
         WHEN 'subject_marker' THEN 'ticket_number' WHEN 'body_marker' THEN 'ticket_number'
         ELSE "threaded_by"::text END)::"public"."threaded_by_old"`,
    );
    await q.query(`DROP TYPE "public"."threaded_by"`);
    await q.query(`ALTER TYPE "public"."threaded_by_old" RENAME TO "threaded_by"`);
    await q.query(`ALTER TABLE "messages" ALTER COLUMN "threaded_by" SET DEFAULT 'new'`);
    await q.query(`DROP TABLE "ticket_participants"`);
    await q.query(`DROP TABLE "mailboxes"`);
  }
}

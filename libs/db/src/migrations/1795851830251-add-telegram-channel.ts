import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The template this migration seeds, kept with it (like NOTIFICATION_TEMPLATE_DEFAULTS) so later
 * changes to the code cannot change what an old database was given. Telegram messages have no
 * subject line: the subject only names the message on the ticket. The question itself is asked
 * with buttons by the Telegram service (OutboundMessage.prompt `resolution-survey`).
 */
export const TELEGRAM_TEMPLATE_DEFAULTS = [
  {
    key: 'resolution_survey',
    channel: 'telegram',
    subject: 'Request #{{ticket.number}} resolved: {{ticket.subject}}',
    bodyText: [
      'Your request #{{ticket.number}} "{{ticket.subject}}" has been marked as resolved.',
      '',
      'Was your question solved?',
      '',
    ].join('\n'),
    enabled: true,
    statusKinds: [] as string[],
  },
] as const;

/**
 * Telegram channel in core: the bots (token and webhook secret sealed with SECRETS_KEY, one row per
 * bot id), the Telegram service's chats (their thread sequence, bumped by /new), the customer's
 * Telegram name and @username on the identity, a message's last edit, the customer's rating of a
 * ticket, and the `resolution_survey` notification template for Telegram.
 *
 * The templates' key and channel CHECKs are replaced (the schema builder compares constraints by
 * name only, so it did not generate this). `down` removes the rows the old CHECKs would refuse
 * first: the Telegram templates.
 */
export class AddTelegramChannel1795851830251 implements MigrationInterface {
  name = 'AddTelegramChannel1795851830251';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "telegram_bots" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "token_encrypted" text NOT NULL, "token_hint" text NOT NULL, "token_bot_id" bigint NOT NULL, "bot_user_id" bigint, "bot_username" text, "greeting" text NOT NULL DEFAULT 'Hello! You are writing to our support team. Send your question here and we will answer in this chat. To start a new request later, send /new.', "mode" character varying(10) NOT NULL DEFAULT 'polling', "public_base_url" text, "webhook_secret_encrypted" text NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "state" character varying(10) NOT NULL DEFAULT 'active', "state_reason" text, "state_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "telegram_bots_token_bot_id_key" UNIQUE ("token_bot_id"), CONSTRAINT "telegram_bots_state_check" CHECK ("state" IN ('active', 'error', 'disabled')), CONSTRAINT "telegram_bots_webhook_url_check" CHECK ("mode" <> 'webhook' OR "public_base_url" IS NOT NULL), CONSTRAINT "telegram_bots_mode_check" CHECK ("mode" IN ('webhook', 'polling')), CONSTRAINT "PK_9e5e0f5ed67ad4ffab01efd80cb" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "telegram_chats" ("bot_id" uuid NOT NULL, "chat_id" bigint NOT NULL, "thread_seq" integer NOT NULL DEFAULT '0', "last_new_update_id" bigint, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "telegram_chats_pkey" PRIMARY KEY ("bot_id", "chat_id"))`);
    await q.query(`ALTER TABLE "contact_identities" ADD "display_name" text`);
    await q.query(`ALTER TABLE "contact_identities" ADD "username" text`);
    await q.query(`ALTER TABLE "tickets" ADD "rating" smallint`);
    await q.query(`ALTER TABLE "tickets" ADD "rated_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "messages" ADD "edited_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "tickets" ADD CONSTRAINT "tickets_rating_check" CHECK ("rating" BETWEEN 1 AND 5)`);
    await q.query(`ALTER TABLE "telegram_chats" ADD CONSTRAINT "FK_3b2acd8d9a64a2abc135eec5242" FOREIGN KEY ("bot_id") REFERENCES "telegram_bots"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "notification_templates" DROP CONSTRAINT "notification_templates_key_check"`);
    await q.query(`ALTER TABLE "notification_templates" ADD CONSTRAINT "notification_templates_key_check" CHECK ("key" IN ('ticket_created', 'status_changed', 'resolution_survey'))`);
    await q.query(`ALTER TABLE "notification_templates" DROP CONSTRAINT "notification_templates_channel_check"`);
    await q.query(`ALTER TABLE "notification_templates" ADD CONSTRAINT "notification_templates_channel_check" CHECK ("channel" IN ('email', 'telegram'))`);
    for (const t of TELEGRAM_TEMPLATE_DEFAULTS) {
      await q.query(
        `INSERT INTO "notification_templates" ("key", "channel", "subject", "body_text", "enabled", "status_kinds") VALUES ($1, $2, $3, $4, $5, $6::status_kind[])`,
        [t.key, t.channel, t.subject, t.bodyText, t.enabled, t.statusKinds],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "notification_templates" WHERE "channel" = 'telegram' OR "key" = 'resolution_survey'`);
    await q.query(`ALTER TABLE "notification_templates" DROP CONSTRAINT "notification_templates_channel_check"`);
    await q.query(`ALTER TABLE "notification_templates" ADD CONSTRAINT "notification_templates_channel_check" CHECK ("channel" IN ('email'))`);
    await q.query(`ALTER TABLE "notification_templates" DROP CONSTRAINT "notification_templates_key_check"`);
    await q.query(`ALTER TABLE "notification_templates" ADD CONSTRAINT "notification_templates_key_check" CHECK ("key" IN ('ticket_created', 'status_changed'))`);
    await q.query(`ALTER TABLE "telegram_chats" DROP CONSTRAINT "FK_3b2acd8d9a64a2abc135eec5242"`);
    await q.query(`ALTER TABLE "tickets" DROP CONSTRAINT "tickets_rating_check"`);
    await q.query(`ALTER TABLE "messages" DROP COLUMN "edited_at"`);
    await q.query(`ALTER TABLE "tickets" DROP COLUMN "rated_at"`);
    await q.query(`ALTER TABLE "tickets" DROP COLUMN "rating"`);
    await q.query(`ALTER TABLE "contact_identities" DROP COLUMN "username"`);
    await q.query(`ALTER TABLE "contact_identities" DROP COLUMN "display_name"`);
    await q.query(`DROP TABLE "telegram_chats"`);
    await q.query(`DROP TABLE "telegram_bots"`);
  }
}

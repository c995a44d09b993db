import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The template this migration seeds, kept with it (like NOTIFICATION_TEMPLATE_DEFAULTS) so later
 * changes to the code cannot change what an old database was given. An SMS has no subject line:
 * the subject only names the message on the ticket. The text stays short and in the GSM-7
 * alphabet (one segment, for ticket numbers of up to 16 digits), and leaves the ticket's subject
 * out, which may be long or need UCS-2. `statusKinds` is empty: the notice is off for every status
 * until an admin lists the kinds that send it.
 */
export const SMS_TEMPLATE_DEFAULTS = [
  {
    key: 'status_changed',
    channel: 'sms',
    subject: 'Request #{{ticket.number}}: {{ticket.status}}',
    bodyText: [
      '{{#if status.resolved}}Your request #{{ticket.number}} has been resolved. Reply to this SMS to reopen it.',
      '{{else if status.closed}}Your request #{{ticket.number}} has been closed.',
      '{{else if status.pending}}We need more information about your request #{{ticket.number}}. Please reply to this SMS.',
      '{{else if status.onHold}}Your request #{{ticket.number}} is on hold. We will get back to you.',
      '{{else}}Your request #{{ticket.number}} is now: {{ticket.status}}.{{/if}}',
    ].join('\n'),
    enabled: true,
    statusKinds: [] as string[],
  },
] as const;

/**
 * SMS channel in core: the channels (numbers or sender ids, with the provider's credentials sealed
 * as one JSON object and a sealed secret for SMS.ru's callback URL; one channel per phone number),
 * the customer's opt-out on their identities (`opted_out_at`, and `opt_out_changed_at` so a late
 * older STOP/START does not undo a newer one), and the `status_changed` template for SMS (off for
 * every status kind).
 *
 * The templates' channel CHECK is replaced (the schema builder compares constraints by name only,
 * so it did not generate this). `down` removes the rows the old CHECK would refuse first.
 */
export class AddSmsChannel1795853926715 implements MigrationInterface {
  name = 'AddSmsChannel1795853926715';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "sms_channels" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "provider" character varying(10) NOT NULL, "sender" character varying(16) NOT NULL, "credentials_encrypted" text NOT NULL, "credentials_hint" text NOT NULL, "smpp_host" text, "smpp_port" integer, "base_url" text, "throughput_per_second" integer NOT NULL DEFAULT '10', "max_segments" integer NOT NULL DEFAULT '6', "default_region" character varying(2), "webhook_secret_encrypted" text NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "state" character varying(10) NOT NULL DEFAULT 'active', "state_reason" text, "state_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "sms_channels_default_region_check" CHECK ("default_region" ~ '^[A-Z]{2}$'), CONSTRAINT "sms_channels_max_segments_check" CHECK ("max_segments" BETWEEN 1 AND 20), CONSTRAINT "sms_channels_throughput_check" CHECK ("throughput_per_second" BETWEEN 1 AND 1000), CONSTRAINT "sms_channels_base_url_check" CHECK (("provider" = 'smpp') = ("base_url" IS NULL)), CONSTRAINT "sms_channels_smpp_port_check" CHECK ("smpp_port" BETWEEN 1 AND 65535), CONSTRAINT "sms_channels_smpp_check" CHECK (("provider" = 'smpp') = ("smpp_host" IS NOT NULL AND "smpp_port" IS NOT NULL)), CONSTRAINT "sms_channels_state_check" CHECK ("state" IN ('active', 'error', 'disabled')), CONSTRAINT "sms_channels_provider_check" CHECK ("provider" IN ('smpp', 'twilio', 'smsru')), CONSTRAINT "PK_1064911ddf38ba8985a846fb6a0" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "sms_channels_sender_number_key" ON "sms_channels"  ("sender") WHERE "sender" LIKE '+%'`);
    await q.query(`ALTER TABLE "contact_identities" ADD "opted_out_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "contact_identities" ADD "opt_out_changed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "notification_templates" DROP CONSTRAINT "notification_templates_channel_check"`);
    await q.query(`ALTER TABLE "notification_templates" ADD CONSTRAINT "notification_templates_channel_check" CHECK ("channel" IN ('email', 'telegram', 'sms'))`);
    for (const t of SMS_TEMPLATE_DEFAULTS) {
      await q.query(
        `INSERT INTO "notification_templates" ("key", "channel", "subject", "body_text", "enabled", "status_kinds") VALUES ($1, $2, $3, $4, $5, $6::status_kind[])`,
        [t.key, t.channel, t.subject, t.bodyText, t.enabled, t.statusKinds],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "notification_templates" WHERE "channel" = 'sms'`);
    await q.query(`ALTER TABLE "notification_templates" DROP CONSTRAINT "notification_templates_channel_check"`);
    await q.query(`ALTER TABLE "notification_templates" ADD CONSTRAINT "notification_templates_channel_check" CHECK ("channel" IN ('email', 'telegram'))`);
    await q.query(`ALTER TABLE "contact_identities" DROP COLUMN "opt_out_changed_at"`);
    await q.query(`ALTER TABLE "contact_identities" DROP COLUMN "opted_out_at"`);
    await q.query(`DROP INDEX "public"."sms_channels_sender_number_key"`);
    await q.query(`DROP TABLE "sms_channels"`);
  }
}

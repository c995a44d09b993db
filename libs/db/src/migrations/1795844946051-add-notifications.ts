import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The defaults this migration seeds, kept with it so later changes to the code cannot change what
 * an old database was given. `status_changed` is one template that branches on the new status
 * kind; it is sent for the kinds in `statusKinds` (resolved only, to begin with).
 */
export const NOTIFICATION_TEMPLATE_DEFAULTS = [
  {
    key: 'ticket_created',
    channel: 'email',
    subject: 'We have received your request [#{{ticket.number}}]: {{ticket.subject}}',
    bodyText: [
      'Hello{{#if contact.name}} {{contact.name}}{{/if}},',
      '',
      'We have received your request [#{{ticket.number}}] "{{ticket.subject}}" and will get back to you as soon as possible.',
      '',
      'To add anything, simply reply to this e-mail and keep [#{{ticket.number}}] in the subject.',
      '',
      'This is an automatic message.',
      '',
    ].join('\n'),
    enabled: true,
    statusKinds: [] as string[],
  },
  {
    key: 'status_changed',
    channel: 'email',
    subject:
      'Your request [#{{ticket.number}}] ' +
      '{{#if status.resolved}}has been resolved{{else if status.closed}}has been closed{{else if status.pending}}is waiting for your reply' +
      '{{else if status.onHold}}is on hold{{else}}has been updated{{/if}}: {{ticket.subject}}',
    bodyText: [
      'Hello{{#if contact.name}} {{contact.name}}{{/if}},',
      '',
      '{{#if status.resolved}}',
      'We consider your request [#{{ticket.number}}] "{{ticket.subject}}" resolved. If the problem persists or you have another question about it, simply reply to this e-mail and we will pick it up again.',
      '{{else if status.closed}}',
      'Your request [#{{ticket.number}}] "{{ticket.subject}}" has been closed. If you need more help, reply to this e-mail.',
      '{{else if status.pending}}',
      'To continue with your request [#{{ticket.number}}] "{{ticket.subject}}" we need some more information from you. Please reply to this e-mail.',
      '{{else if status.onHold}}',
      'Your request [#{{ticket.number}}] "{{ticket.subject}}" is on hold for the moment. We will get back to you.',
      '{{else}}',
      'The status of your request [#{{ticket.number}}] "{{ticket.subject}}" is now: {{ticket.status}}.',
      '{{/if}}',
      '',
      'This is an automatic message.',
      '',
    ].join('\n'),
    enabled: true,
    statusKinds: ['resolved'],
  },
] as const;

/**
 * Customer notifications: the `notification_templates` table with its English defaults, and
 * `tickets.acknowledgement`, which records what became of a new e-mail ticket's acknowledgement.
 * Tickets that exist already get `not_applicable` (a default that is dropped again straight away,
 * so adding the column rewrites no rows), so upgrading does not acknowledge old tickets.
 */
export class AddNotifications1795844946051 implements MigrationInterface {
  name = 'AddNotifications1795844946051';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "notification_templates" ("key" character varying(50) NOT NULL, "channel" character varying(20) NOT NULL, "subject" text NOT NULL, "body_text" text NOT NULL, "body_html" text, "enabled" boolean NOT NULL DEFAULT true, "status_kinds" "public"."status_kind" array NOT NULL DEFAULT '{}', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_by_agent_id" uuid, CONSTRAINT "notification_templates_channel_check" CHECK ("channel" IN ('email')), CONSTRAINT "notification_templates_key_check" CHECK ("key" IN ('ticket_created', 'status_changed')), CONSTRAINT "notification_templates_pkey" PRIMARY KEY ("key", "channel"))`);
    await q.query(`ALTER TABLE "tickets" ADD "acknowledgement" text DEFAULT 'not_applicable'`);
    await q.query(`ALTER TABLE "tickets" ALTER COLUMN "acknowledgement" DROP DEFAULT`);
    await q.query(`CREATE INDEX "tickets_acknowledgement_due_idx" ON "tickets"  ("created_at") WHERE "registration_channel" = 'email' AND "acknowledgement" IS NULL`);
    await q.query(`ALTER TABLE "notification_templates" ADD CONSTRAINT "FK_4cf70b67803ab9210e54e91882d" FOREIGN KEY ("updated_by_agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    for (const t of NOTIFICATION_TEMPLATE_DEFAULTS) {
      await q.query(
        `INSERT INTO "notification_templates" ("key", "channel", "subject", "body_text", "enabled", "status_kinds") VALUES ($1, $2, $3, $4, $5, $6::status_kind[])`,
        [t.key, t.channel, t.subject, t.bodyText, t.enabled, t.statusKinds],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "notification_templates" DROP CONSTRAINT "FK_4cf70b67803ab9210e54e91882d"`);
    await q.query(`DROP INDEX "public"."tickets_acknowledgement_due_idx"`);
    await q.query(`ALTER TABLE "tickets" DROP COLUMN "acknowledgement"`);
    await q.query(`DROP TABLE "notification_templates"`);
  }
}

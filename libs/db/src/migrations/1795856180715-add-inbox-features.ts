import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The agent console's inbox features:
 * - `canned_response_groups` / `canned_responses`: prepared answers (Handlebars placeholders,
 *   checked when saved), ordered by `position`; deleting a group deletes its responses.
 * - `agent_notifications`: what an agent is told in the console, for now @mentions in internal
 *   notes (`kind` 'mention'); one per note and agent; unread first by `(agent_id, read_at, created_at)`.
 * - `ticket_reads`: when an agent last opened a ticket (`POST /tickets/{id}/seen`); the ticket list
 *   LEFT JOINs it on its primary key `(agent_id, ticket_id)` to flag unseen customer activity.
 * - trigram indexes on contact names and identity values, for the ticket search `q` (created here,
 *   not by the entities, like the one on ticket subjects).
 */
export class AddInboxFeatures1795856180715 implements MigrationInterface {
  name = 'AddInboxFeatures1795856180715';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "agent_notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "agent_id" uuid NOT NULL, "kind" character varying(20) NOT NULL, "ticket_id" uuid NOT NULL, "message_id" uuid, "actor_agent_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "read_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "agent_notifications_kind_check" CHECK ("kind" IN ('mention')), CONSTRAINT "PK_0af3ec1ad62a1b54aba2d08f3b6" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "agent_notifications_message_agent_key" ON "agent_notifications"  ("message_id", "agent_id") `);
    await q.query(`CREATE INDEX "agent_notifications_agent_idx" ON "agent_notifications"  ("agent_id", "read_at", "created_at") `);
    await q.query(`CREATE TABLE "ticket_reads" ("agent_id" uuid NOT NULL, "ticket_id" uuid NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "ticket_reads_pkey" PRIMARY KEY ("agent_id", "ticket_id"))`);
    await q.query(`CREATE INDEX "ticket_reads_ticket_idx" ON "ticket_reads"  ("ticket_id") `);
    await q.query(`CREATE TABLE "canned_response_groups" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "position" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_6bcc9fac7fbbcc20d2a57c6a179" UNIQUE ("name"), CONSTRAINT "PK_1caf304a2738eb467fe6c658607" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "canned_responses" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "group_id" uuid NOT NULL, "title" text NOT NULL, "body" text NOT NULL, "position" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1df87c74d99c463b1c7fb30dc14" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "canned_responses_group_position_idx" ON "canned_responses"  ("group_id", "position") `);
    await q.query(`ALTER TABLE "agent_notifications" ADD CONSTRAINT "FK_8f264df6d123987688e20bf0c41" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "agent_notifications" ADD CONSTRAINT "FK_e7b463d0e8678cba569a656803a" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "agent_notifications" ADD CONSTRAINT "FK_a5affdb73d82a667a3b7006ea44" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "agent_notifications" ADD CONSTRAINT "FK_91c7a9528b618ecb9cac1429abd" FOREIGN KEY ("actor_agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "ticket_reads" ADD CONSTRAINT "FK_04699476e47451ebc138f442025" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "ticket_reads" ADD CONSTRAINT "FK_6396e934b05b4b42c48c5491dd7" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`CREATE INDEX "contacts_name_trgm_idx" ON "contacts" USING gin ("name" gin_trgm_ops)`);
    await q.query(`CREATE INDEX "contact_identities_value_trgm_idx" ON "contact_identities" USING gin ("value" gin_trgm_ops)`);
    await q.query(`ALTER TABLE "canned_responses" ADD CONSTRAINT "FK_29fe86702bc424b17e679949fe7" FOREIGN KEY ("group_id") REFERENCES "canned_response_groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."contact_identities_value_trgm_idx"`);
    await q.query(`DROP INDEX "public"."contacts_name_trgm_idx"`);
    await q.query(`ALTER TABLE "canned_responses" DROP CONSTRAINT "FK_29fe86702bc424b17e679949fe7"`);
    await q.query(`ALTER TABLE "ticket_reads" DROP CONSTRAINT "FK_6396e934b05b4b42c48c5491dd7"`);
    await q.query(`ALTER TABLE "ticket_reads" DROP CONSTRAINT "FK_04699476e47451ebc138f442025"`);
    await q.query(`ALTER TABLE "agent_notifications" DROP CONSTRAINT "FK_91c7a9528b618ecb9cac1429abd"`);
    await q.query(`ALTER TABLE "agent_notifications" DROP CONSTRAINT "FK_a5affdb73d82a667a3b7006ea44"`);
    await q.query(`ALTER TABLE "agent_notifications" DROP CONSTRAINT "FK_e7b463d0e8678cba569a656803a"`);
    await q.query(`ALTER TABLE "agent_notifications" DROP CONSTRAINT "FK_8f264df6d123987688e20bf0c41"`);
    await q.query(`DROP INDEX "public"."canned_responses_group_position_idx"`);
    await q.query(`DROP TABLE "canned_responses"`);
    await q.query(`DROP TABLE "canned_response_groups"`);
    await q.query(`DROP INDEX "public"."ticket_reads_ticket_idx"`);
    await q.query(`DROP TABLE "ticket_reads"`);
    await q.query(`DROP INDEX "public"."agent_notifications_agent_idx"`);
    await q.query(`DROP INDEX "public"."agent_notifications_message_agent_key"`);
    await q.query(`DROP TABLE "agent_notifications"`);
  }
}

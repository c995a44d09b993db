import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ids a provider gave our sent messages besides our own (an SMTP relay that rewrites Message-IDs
 * names the new one in its reply), so a customer's reply that references only the rewritten id
 * still threads to the right ticket.
 */
export class AddMessageAliases1795850484280 implements MigrationInterface {
  name = 'AddMessageAliases1795850484280';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "message_aliases" ("alias" text NOT NULL, "message_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "message_aliases_pkey" PRIMARY KEY ("alias", "message_id"))`);
    await q.query(`CREATE INDEX "message_aliases_message_id_idx" ON "message_aliases" ("message_id")`);
    await q.query(`ALTER TABLE "message_aliases" ADD CONSTRAINT "FK_eb02efb436b126266f740b411a9" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "message_aliases" DROP CONSTRAINT "FK_eb02efb436b126266f740b411a9"`);
    await q.query(`DROP INDEX "public"."message_aliases_message_id_idx"`);
    await q.query(`DROP TABLE "message_aliases"`);
  }
}

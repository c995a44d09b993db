import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddWebforms1795841021252 implements MigrationInterface {
  name = 'AddWebforms1795841021252';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "webforms" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "key" character varying(64) NOT NULL, "title" character varying(200) NOT NULL, "intro_text" text NOT NULL DEFAULT '', "button_label" character varying(60) NOT NULL DEFAULT 'Send', "launcher_label" character varying(60) NOT NULL DEFAULT 'Contact us', "success_message" text NOT NULL, "colors" jsonb NOT NULL, "position" character varying(20) NOT NULL DEFAULT 'bottom-right', "fields" jsonb NOT NULL, "allowed_origins" text array NOT NULL DEFAULT '{}', "files_allowed" boolean NOT NULL DEFAULT false, "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_a9bc95ac423c74d389076b0fa76" UNIQUE ("key"), CONSTRAINT "PK_ed04605164852b61b8e9d1e255a" PRIMARY KEY ("id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webforms"`);
  }
}

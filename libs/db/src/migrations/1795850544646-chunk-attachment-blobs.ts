import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attachment bytes in chunks: `attachment_blobs` is keyed by (attachment_id, seq), so storing and
 * reading a large file never passes it whole through one statement (the driver copies every
 * parameter into its Bind message, and returns bytea as hex text). The rows that exist become
 * chunk 0 of their attachment, as they are (adding a column with a constant default rewrites no
 * rows; readers do not assume a chunk size). `down` joins each attachment's chunks back into one
 * row, in seq order.
 */
export class ChunkAttachmentBlobs1795850544646 implements MigrationInterface {
  name = 'ChunkAttachmentBlobs1795850544646';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "attachment_blobs" ADD "seq" integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE "attachment_blobs" ALTER COLUMN "seq" DROP DEFAULT`);
    await q.query(`ALTER TABLE "attachment_blobs" DROP CONSTRAINT "PK_da4abc67e88bbdd819f1542349f"`);
    await q.query(`ALTER TABLE "attachment_blobs" ADD CONSTRAINT "PK_3fc092726737b6d7cd7ee3553e0" PRIMARY KEY ("attachment_id", "seq")`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Each attachment's first chunk takes the whole content; the others go.
    await q.query(
      `UPDATE "attachment_blobs" b SET "content" = whole."content"
         FROM (SELECT "attachment_id", min("seq") AS "first", string_agg("content", ''::bytea ORDER BY "seq") AS "content"
                 FROM "attachment_blobs" GROUP BY "attachment_id" HAVING count(*) > 1) whole
        WHERE b."attachment_id" = whole."attachment_id" AND b."seq" = whole."first"`,
    );
    await q.query(
      `DELETE FROM "attachment_blobs" b
        WHERE b."seq" > (SELECT min(f."seq") FROM "attachment_blobs" f WHERE f."attachment_id" = b."attachment_id")`,
    );
    await q.query(`ALTER TABLE "attachment_blobs" DROP CONSTRAINT "PK_3fc092726737b6d7cd7ee3553e0"`);
    await q.query(`ALTER TABLE "attachment_blobs" DROP COLUMN "seq"`);
    await q.query(`ALTER TABLE "attachment_blobs" ADD CONSTRAINT "PK_da4abc67e88bbdd819f1542349f" PRIMARY KEY ("attachment_id")`);
  }
}

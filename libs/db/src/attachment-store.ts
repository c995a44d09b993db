import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

export interface NewAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export class AttachmentTooLarge extends Error {
  override readonly name = 'AttachmentTooLarge';
  constructor(
    readonly filename: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`attachment "${filename}" is ${size} bytes; the limit is ${limit} bytes`);
  }
}

/** A file name safe to store and to put in a Content-Disposition header. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 255);
  return cleaned || 'attachment';
}

/**
 * Stores an attachment before the job that mentions it is published (jobs carry ids, never
 * bytes). Metadata and content are written together; the content lives in its own table.
 */
export async function storeAttachment(db: DataSource | EntityManager, file: NewAttachment, maxBytes: number): Promise<string> {
  if (file.content.length > maxBytes) throw new AttachmentTooLarge(file.filename, file.content.length, maxBytes);
  const run = async (em: EntityManager) => {
    const [row] = await em.query<{ id: string }[]>(
      `INSERT INTO attachments (filename, content_type, size, sha256) VALUES ($1, $2, $3, $4) RETURNING id`,
      [safeFilename(file.filename), file.contentType.slice(0, 255) || 'application/octet-stream', file.content.length, createHash('sha256').update(file.content).digest('hex')],
    );
    await em.query(`INSERT INTO attachment_blobs (attachment_id, content) VALUES ($1, $2)`, [row.id, file.content]);
    return row.id;
  };
  // Inside a caller's transaction this becomes a savepoint.
  return db.transaction(run);
}

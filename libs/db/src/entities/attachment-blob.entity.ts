import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Attachment } from './attachment.entity.js';

/**
 * An attachment's bytes, in chunks numbered from 0 (see ATTACHMENT_CHUNK_BYTES in
 * attachment-store.ts): no statement ever carries or returns a whole large file. Every
 * attachment has chunk 0, empty for an empty file. Readers take the chunks in `seq` order and do
 * not assume their size (files stored before chunking are one chunk).
 */
@Entity('attachment_blobs')
export class AttachmentBlob {
  @PrimaryColumn({ name: 'attachment_id', type: 'uuid' })
  attachmentId: string;

  @PrimaryColumn({ type: 'integer' })
  seq: number;

  @ManyToOne(() => Attachment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'attachment_id' })
  attachment?: Relation<Attachment>;

  @Column({ type: 'bytea' })
  content: Buffer;
}

import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Attachment } from './attachment.entity.js';

@Entity('attachment_blobs')
export class AttachmentBlob {
  @PrimaryColumn({ name: 'attachment_id', type: 'uuid' })
  attachmentId: string;

  @OneToOne(() => Attachment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'attachment_id' })
  attachment?: Relation<Attachment>;

  @Column({ type: 'bytea' })
  content: Buffer;
}

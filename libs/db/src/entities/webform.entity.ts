import type { WebformField } from '@switchboard/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface WebformColors {
  primary: string;
  text: string;
  background: string;
}

/** A request form a company embeds on its site (widget.js); each submission becomes a ticket. */
@Entity('webforms')
export class Webform {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Public name in the embed snippet and the widget's URLs: `[a-z0-9][a-z0-9-]{2,63}`. */
  @Column({ type: 'varchar', length: 64, unique: true })
  key: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ name: 'intro_text', type: 'text', default: '' })
  introText: string;

  @Column({ name: 'button_label', type: 'varchar', length: 60, default: 'Send' })
  buttonLabel: string;

  @Column({ name: 'launcher_label', type: 'varchar', length: 60, default: 'Contact us' })
  launcherLabel: string;

  /** Shown after sending; `{{ticket.number}}` is replaced by the ticket number. */
  @Column({ name: 'success_message', type: 'text' })
  successMessage: string;

  @Column({ type: 'jsonb' })
  colors: WebformColors;

  @Column({ type: 'varchar', length: 20, default: 'bottom-right' })
  position: 'bottom-right' | 'bottom-left';

  @Column({ type: 'jsonb' })
  fields: WebformField[];

  /** Origins (`https://shop.example.com`) whose pages may use the form; `*` allows any. */
  @Column({ name: 'allowed_origins', type: 'text', array: true, default: () => "'{}'" })
  allowedOrigins: string[];

  @Column({ name: 'files_allowed', type: 'boolean', default: false })
  filesAllowed: boolean;

  /** A disabled form answers 404 to visitors, as if it did not exist. */
  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

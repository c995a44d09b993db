import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import { StatusKind } from './enums.js';

/** A ticket status. The five system statuses have key = kind; custom ones map onto a kind. */
@Entity('statuses')
@Check('statuses_key_check', `"key" ~ '^[a-z][a-z0-9_]{0,62}$'`)
export class Status {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'enum', enum: StatusKind, enumName: 'status_kind' })
  kind: StatusKind;

  @Column({ name: 'is_system', type: 'boolean', default: false })
  isSystem: boolean;

  @Column({ type: 'integer', default: 0 })
  position: number;
}

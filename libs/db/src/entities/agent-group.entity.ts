import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('agent_groups')
@Check('agent_groups_line_check', '"line" IS NULL OR "line" IN (1, 2)')
export class AgentGroup {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  name: string;

  /** The support line this group works (1st or 2nd); escalation moves tickets to a line-2 group. */
  @Column({ type: 'smallint', nullable: true })
  line: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

import { z } from 'zod';
import {
  deliveryReportSchema,
  inboundMessageSchema,
  outboundMessageSchema,
  type DeliveryReport,
  type InboundMessage,
  type OutboundMessage,
} from './messages.js';
import { customerEventSchema, telegramUpdateSchema, type CustomerEvent, type TelegramUpdate } from './customer-events.js';
import { JobName } from './queues.js';

/** A scheduler tick; carries nothing but the version. */
export const resumeOnHoldSchema = z.object({ v: z.literal(1) }).strict();
export type ResumeOnHold = z.infer<typeof resumeOnHoldSchema>;

export interface JobPayloads {
  [JobName.InboundMessage]: InboundMessage;
  [JobName.OutboundMessage]: OutboundMessage;
  [JobName.DeliveryReport]: DeliveryReport;
  [JobName.ResumeOnHold]: ResumeOnHold;
  [JobName.CustomerEvent]: CustomerEvent;
  [JobName.TelegramUpdate]: TelegramUpdate;
}

/** A job as a handler sees it; structurally compatible with a BullMQ Job. */
export interface JobOf<N extends JobName> {
  id?: string;
  name: N;
  data: JobPayloads[N];
}

/** The union of every job, discriminated by name. */
export type AnyJob = { [N in JobName]: JobOf<N> }[JobName];

export const JOB_SCHEMAS = {
  [JobName.InboundMessage]: inboundMessageSchema,
  [JobName.OutboundMessage]: outboundMessageSchema,
  [JobName.DeliveryReport]: deliveryReportSchema,
  [JobName.ResumeOnHold]: resumeOnHoldSchema,
  [JobName.CustomerEvent]: customerEventSchema,
  [JobName.TelegramUpdate]: telegramUpdateSchema,
} as const satisfies Record<JobName, z.ZodType>;

/** Thrown when a payload does not match its contract; the message says what is wrong, field by field. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';

  constructor(
    readonly jobName: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(`invalid ${jobName} payload: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
  }
}

/** Validates a payload against its job's schema; returns the parsed value (defaults applied) or throws ContractViolation. */
export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayloads[N] {
  const schema = JOB_SCHEMAS[name] as z.ZodType | undefined;
  if (!schema) {
    throw new ContractViolation(String(name), [{ path: '', message: `unknown job name "${String(name)}"` }]);
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new ContractViolation(
      name,
      result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    );
  }
  return result.data as JobPayloads[N];
}

/*
 * Deduplicating job ids (DESIGN §2). BullMQ rejects custom ids that contain ':' or look like integers,
 * so parts are URI-encoded (':' becomes %3A, '_' becomes %5F) and joined with '__' behind a fixed prefix.
 */
const part = (s: string) => encodeURIComponent(s).replaceAll('_', '%5F');

export function inboundJobId(m: Pick<InboundMessage, 'channelAccountId' | 'externalId'>): string {
  return `in__${part(m.channelAccountId)}__${part(m.externalId)}`;
}

export function outboundJobId(messageId: string): string {
  return `out__${messageId}`;
}

export function deliveryJobId(r: Pick<DeliveryReport, 'messageId' | 'status'> & { attempt?: number }): string {
  return `dlv__${r.messageId}__${r.attempt ?? 1}__${r.status}`;
}

export function customerEventJobId(e: Pick<CustomerEvent, 'channelAccountId' | 'eventId'>): string {
  return `ev__${part(e.channelAccountId)}__${part(e.eventId)}`;
}

export function telegramUpdateJobId(u: Pick<TelegramUpdate, 'botId' | 'updateId'>): string {
  return `tgu__${u.botId}__${u.updateId}`;
}

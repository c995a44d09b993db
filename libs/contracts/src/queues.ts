/** Every queue the services exchange jobs on. No other string may name a queue. */
export enum QueueName {
  Inbound = 'inbound',
  OutboundEmail = 'outbound-email',
  OutboundTelegram = 'outbound-telegram',
  OutboundSms = 'outbound-sms',
  Delivery = 'delivery',
  /** What customers do besides writing: edit a message, answer "was it solved?", rate a ticket. */
  CustomerEvents = 'customer-events',
  /** Telegram updates as received (webhook or polling); produced and consumed by the Telegram service. */
  TelegramUpdates = 'telegram-updates',
  /** Core's own timed work (resuming on-hold tickets); produced and consumed by core. */
  CoreScheduler = 'core-scheduler',
}

/** Every job name; a queue carries exactly one job name (see QUEUE_JOBS). */
export enum JobName {
  InboundMessage = 'inbound-message',
  OutboundMessage = 'outbound-message',
  DeliveryReport = 'delivery-report',
  ResumeOnHold = 'resume-on-hold',
  CustomerEvent = 'customer-event',
  TelegramUpdate = 'telegram-update',
}

/** Channels a customer can reach us through, and that replies can go out on. */
export enum Channel {
  Email = 'email',
  Telegram = 'telegram',
  Sms = 'sms',
  Webform = 'webform',
}

/** Channels that have an outbound queue (the web form replies by e-mail). */
export type OutboundChannel = Channel.Email | Channel.Telegram | Channel.Sms;

export function outboundQueueFor(channel: OutboundChannel): QueueName {
  switch (channel) {
    case Channel.Email:
      return QueueName.OutboundEmail;
    case Channel.Telegram:
      return QueueName.OutboundTelegram;
    case Channel.Sms:
      return QueueName.OutboundSms;
  }
}

export const QUEUE_JOBS = {
  [QueueName.Inbound]: JobName.InboundMessage,
  [QueueName.OutboundEmail]: JobName.OutboundMessage,
  [QueueName.OutboundTelegram]: JobName.OutboundMessage,
  [QueueName.OutboundSms]: JobName.OutboundMessage,
  [QueueName.Delivery]: JobName.DeliveryReport,
  [QueueName.CoreScheduler]: JobName.ResumeOnHold,
  [QueueName.CustomerEvents]: JobName.CustomerEvent,
  [QueueName.TelegramUpdates]: JobName.TelegramUpdate,
} as const satisfies Record<QueueName, JobName>;

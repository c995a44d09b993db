export enum AgentRole {
  Admin = 'admin',
  Senior = 'senior',
  Specialist = 'specialist',
}

export enum IdentityKind {
  Email = 'email',
  Phone = 'phone',
  Telegram = 'telegram',
}

export enum StatusKind {
  Open = 'open',
  Pending = 'pending',
  OnHold = 'on_hold',
  Resolved = 'resolved',
  Closed = 'closed',
}

export enum TicketPriority {
  Low = 'low',
  Normal = 'normal',
  High = 'high',
  Urgent = 'urgent',
}

export enum TicketType {
  Question = 'question',
  Incident = 'incident',
  Problem = 'problem',
  Task = 'task',
  /** Never shown to customers. */
  Internal = 'internal',
}

/** Where a ticket was registered, and which channel a message travelled on. */
export enum ChannelKind {
  Email = 'email',
  Telegram = 'telegram',
  Sms = 'sms',
  Webform = 'webform',
  Console = 'console',
  Api = 'api',
  Phone = 'phone',
}

export enum MessageDirection {
  Inbound = 'inbound',
  Outbound = 'outbound',
  Note = 'note',
}

export enum ActorKind {
  Contact = 'contact',
  Agent = 'agent',
  System = 'system',
}

export enum Visibility {
  Public = 'public',
  Internal = 'internal',
}

/** How an inbound message found its ticket: the thread hint that matched, or `new`. */
export enum ThreadedBy {
  New = 'new',
  TicketId = 'ticket_id',
  TicketNumber = 'ticket_number',
  MessageId = 'message_id',
  ThreadKey = 'thread_key',
}

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
  /** A ticket number from a channel that does not say where it found it. */
  TicketNumber = 'ticket_number',
  /** A Message-ID from a channel that does not say which header it came from. */
  MessageId = 'message_id',
  ThreadKey = 'thread_key',
  /** The e-mail's In-Reply-To names a stored message. */
  InReplyTo = 'in_reply_to',
  /** One of the e-mail's References (not In-Reply-To) names a stored message. */
  References = 'references',
  /** The ticket number inside one of our own signed Message-IDs the e-mail answers. */
  SignedId = 'signed_id',
  /** The ticket marker in the e-mail's subject, e.g. `[#123]`. */
  SubjectMarker = 'subject_marker',
  /** The hidden ticket marker in the e-mail's body. */
  BodyMarker = 'body_marker',
}

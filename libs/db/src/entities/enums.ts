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

/** The automatic messages to customers that have a template. */
export enum NotificationKey {
  /** The acknowledgement of a new ticket opened by the customer's e-mail. */
  TicketCreated = 'ticket_created',
  /** An agent moved the ticket to another status kind. */
  StatusChanged = 'status_changed',
  /**
   * An agent resolved a ticket whose customer writes by Telegram: "was your question solved?"
   * with answer buttons (OutboundMessage.prompt `resolution-survey`).
   */
  ResolutionSurvey = 'resolution_survey',
}

/** The channels a notification template is written for. */
export enum NotificationChannel {
  Email = 'email',
  Telegram = 'telegram',
  /** Plain text; `status_changed` only, off for every status kind until an admin lists some. */
  Sms = 'sms',
}

/**
 * What became of the acknowledgement of a ticket opened by an e-mail (`tickets.acknowledgement`);
 * null until the acknowledgement sweep has looked at the ticket.
 */
export enum AcknowledgementState {
  /** An acknowledgement was written with its outbox row. */
  Queued = 'queued',
  /** The template is disabled, or NOTIFICATIONS_ENABLED is false. */
  Disabled = 'disabled',
  /** The customer's mail (or the latest one) was automatic: never answered automatically. */
  AutoSubmitted = 'auto_submitted',
  /** The contact has no e-mail address, or the address is one of our own mailboxes. */
  NoAddress = 'no_address',
  /** Not a ticket a customer opened by mail (created by an agent, internal, no contact). */
  NotApplicable = 'not_applicable',
  /** The template could not be rendered (the reason is logged). */
  RenderFailed = 'render_failed',
  /** The customer opted out of messages on the identity it would go to (an SMS STOP). */
  OptedOut = 'opted_out',
}

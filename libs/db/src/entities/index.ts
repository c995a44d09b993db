import { AgentGroup } from './agent-group.entity.js';
import { AgentNotification, TicketRead } from './agent-notification.entity.js';
import { Agent } from './agent.entity.js';
import { AttachmentBlob } from './attachment-blob.entity.js';
import { CannedResponse, CannedResponseGroup } from './canned-response.entity.js';
import { Attachment } from './attachment.entity.js';
import { CompanyDomain } from './company-domain.entity.js';
import { Company } from './company.entity.js';
import { ContactIdentity } from './contact-identity.entity.js';
import { Contact } from './contact.entity.js';
import { Mailbox } from './mailbox.entity.js';
import { MessageAlias } from './message-alias.entity.js';
import { Message } from './message.entity.js';
import { NotificationTemplate } from './notification-template.entity.js';
import { OutboxEntry } from './outbox-entry.entity.js';
import { SmsChannel } from './sms-channel.entity.js';
import { Status } from './status.entity.js';
import { TelegramBot } from './telegram-bot.entity.js';
import { TelegramChat } from './telegram-chat.entity.js';
import { TicketEvent } from './ticket-event.entity.js';
import { TicketParticipant } from './ticket-participant.entity.js';
import { Ticket } from './ticket.entity.js';
import { Webform } from './webform.entity.js';

export * from './enums.js';
export type { MailboxImapAuth, MailboxProcessedAction, MailboxSmtpSecurity, MailboxState } from './mailbox.entity.js';
export type { WebformColors } from './webform.entity.js';
export type { TelegramBotMode, TelegramBotState } from './telegram-bot.entity.js';
export { DEFAULT_TELEGRAM_GREETING } from './telegram-bot.entity.js';
export type { SmsChannelState, SmsCredentials, SmsProvider, SmppCredentials, SmsRuCredentials, TwilioCredentials } from './sms-channel.entity.js';
export { SMS_PROVIDER_DEFAULT_BASE_URLS } from './sms-channel.entity.js';
export {
  Agent,
  AgentGroup,
  AgentNotification,
  CannedResponse,
  CannedResponseGroup,
  TicketRead,
  Attachment,
  AttachmentBlob,
  Company,
  CompanyDomain,
  Contact,
  ContactIdentity,
  Mailbox,
  Message,
  MessageAlias,
  NotificationTemplate,
  OutboxEntry,
  SmsChannel,
  Status,
  TelegramBot,
  TelegramChat,
  Ticket,
  TicketEvent,
  TicketParticipant,
  Webform,
};

/** Class references, not globs: the services are bundled. */
export const ENTITIES = [
  Agent,
  AgentGroup,
  AgentNotification,
  CannedResponse,
  CannedResponseGroup,
  TicketRead,
  Attachment,
  AttachmentBlob,
  Company,
  CompanyDomain,
  Contact,
  ContactIdentity,
  Mailbox,
  Message,
  MessageAlias,
  NotificationTemplate,
  OutboxEntry,
  SmsChannel,
  Status,
  TelegramBot,
  TelegramChat,
  Ticket,
  TicketEvent,
  TicketParticipant,
  Webform,
];

import type { OutboundMessage } from '@switchboard/contracts';
import type { Mailbox } from '@switchboard/db';
import { escapeHtml } from '@switchboard/common';
import { addMarker, bodyMarkerHtml, REPLY_SEPARATOR, separatorText } from '../mail/markers.js';
import { signMessageId } from '../mail/message-id.js';

export interface ComposedMail {
  messageId: string;
  from: { name: string; address: string };
  to: { name: string; address: string } | string;
  subject: string;
  text: string;
  html: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
}

/** The domain of our Message-IDs: the mailbox's own, so they look like any other mail of it. */
const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/**
 * The mail for an agent's reply: the subject carries the ticket marker, the Message-ID a signed
 * token (so a reply threads even if the stored row is gone), the body our reply separator above
 * the text and an invisible marker in the HTML, and the threading headers point at the thread's
 * last messages.
 */
export function composeReply(msg: OutboundMessage, mailbox: Mailbox, secret: string): ComposedMail {
  const messageKey = `${msg.messageId.replaceAll('-', '')}${msg.attempt > 1 ? `-${msg.attempt}` : ''}`;
  const messageId = signMessageId({ ticketNumber: msg.ticketNumber, messageKey, domain: domainOf(mailbox.address), secret });
  const subject = addMarker(msg.subject || `Ticket ${msg.ticketNumber}`, mailbox.markerFormat, msg.ticketNumber, { reply: false });
  const text = `${separatorText(msg.ticketNumber)}\n\n${msg.text}`;
  const body = msg.html ?? `<div style="white-space:pre-wrap">${escapeHtml(msg.text)}</div>`;
  const html =
    `<!doctype html><html><body>` +
    `<div style="color:#9ca3af;font-size:12px">${escapeHtml(REPLY_SEPARATOR)}</div><br>` +
    body +
    bodyMarkerHtml(msg.ticketNumber) +
    `</body></html>`;
  const references = [...new Set(msg.threading.references)].slice(-50);
  return {
    messageId,
    from: { name: mailbox.displayName || mailbox.address, address: mailbox.address },
    to: msg.recipient.displayName ? { name: msg.recipient.displayName, address: msg.recipient.email! } : msg.recipient.email!,
    subject,
    text,
    html,
    ...(msg.threading.inReplyTo ? { inReplyTo: msg.threading.inReplyTo } : {}),
    ...(references.length ? { references } : {}),
    headers: {
      ...(msg.autoSubmitted ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {}),
      'X-Switchboard-Ticket': String(msg.ticketNumber),
    },
  };
}

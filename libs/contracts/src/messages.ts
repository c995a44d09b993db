import { z } from 'zod';
import { Channel } from './queues.js';

/** E.164: a plus, a country code not starting with 0, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

const shortText = (max: number) => z.string().trim().min(1).max(max);

export const senderIdentitySchema = z
  .object({
    email: z.email().max(320).transform((v) => v.toLowerCase()).optional(),
    phone: z.string().regex(E164_PATTERN, 'phone must be in E.164 form, e.g. +14155550123').optional(),
    telegramId: z.string().regex(/^\d{1,20}$/, 'telegramId must be a numeric Telegram user id').optional(),
    /** The sender's Telegram @username (without the @), kept on the telegram identity. */
    telegramUsername: z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'telegramUsername must be a Telegram username without the @').optional(),
    displayName: shortText(200).optional(),
  })
  .strict()
  .refine((s) => Boolean(s.email || s.phone || s.telegramId), {
    message: 'sender needs at least one identity: email, phone or telegramId',
  });

export const threadHintsSchema = z
  .object({
    ticketId: z.uuid().optional(),
    ticketNumber: z.number().int().positive().optional(),
    /** Message-IDs from In-Reply-To and References, nearest first, as written in the header (with angle brackets). */
    messageIds: z.array(shortText(998)).max(100).default([]),
    /** The In-Reply-To Message-ID (also in messageIds), so a match can be told apart from a References one. */
    inReplyTo: shortText(998).optional(),
    /**
     * The ticket number inside one of our own signed Message-IDs the message answers, its
     * signature verified by the channel; tried after messageIds, for when the stored row is gone
     * or the provider rewrote the id we sent.
     */
    signedTicketNumber: z.number().int().positive().optional(),
    /** Where ticketNumber was found: an e-mail's subject marker or the hidden marker in its body. */
    ticketNumberSource: z.enum(['subject', 'body']).optional(),
    /** A channel's own conversation key, e.g. a Telegram chat id. */
    threadKey: shortText(200).optional(),
  })
  .strict();

const MAX_TEXT = 1_000_000;

export const inboundMessageSchema = z
  .object({
    v: z.literal(1),
    channel: z.enum(Channel),
    channelAccountId: shortText(200),
    /** The channel's own id for the message (Message-ID, Telegram update id, SMS id, submission id). */
    externalId: shortText(998),
    receivedAt: z.iso.datetime({ offset: true }),
    sender: senderIdentitySchema,
    subject: z.string().max(998).optional(),
    text: z.string().max(MAX_TEXT),
    /** Already sanitised by the channel; core sanitises again before storing. */
    html: z.string().max(MAX_TEXT).optional(),
    attachmentIds: z.array(z.uuid()).max(100).default([]),
    threadHints: threadHintsSchema.default({ messageIds: [] }),
    autoSubmitted: z.boolean().default(false),
    /** Attachment id of the raw original (MIME source, update JSON), kept for audit. */
    rawAttachmentId: z.uuid().optional(),
    /**
     * Other people the customer wrote to along with us (e-mail To and Cc, our own addresses left
     * out). On a public message they become participants of the ticket, so their replies count
     * as the customer's; the sender's own address is not repeated here.
     */
    cc: z.array(z.email().max(320).transform((v) => v.toLowerCase())).max(50).default([]),
    /** Extra facts from the channel, e.g. web form field values. */
    metadata: z.record(z.string().max(200), z.union([z.string().max(10_000), z.number(), z.boolean()])).optional(),
  })
  .strict()
  .refine((m) => m.text.trim().length > 0 || m.attachmentIds.length > 0, {
    message: 'a message needs text or at least one attachment',
    path: ['text'],
  });

export type SenderIdentity = z.infer<typeof senderIdentitySchema>;
export type ThreadHints = z.infer<typeof threadHintsSchema>;
export type InboundMessage = z.infer<typeof inboundMessageSchema>;
/** What a producer builds: defaults may be left out. */
export type InboundMessageInput = z.input<typeof inboundMessageSchema>;

export const recipientSchema = z
  .object({
    email: z.email().max(320).optional(),
    phone: z.string().regex(E164_PATTERN, 'phone must be in E.164 form').optional(),
    telegramId: z.string().regex(/^\d{1,20}$/).optional(),
    displayName: shortText(200).optional(),
  })
  .strict();

export const outboundMessageSchema = z
  .object({
    v: z.literal(1),
    messageId: z.uuid(),
    ticketId: z.uuid(),
    ticketNumber: z.number().int().positive(),
    channel: z.enum([Channel.Email, Channel.Telegram, Channel.Sms]),
    /** The account the customer wrote to, so the reply leaves from the same mailbox/bot/number. */
    channelAccountId: shortText(200).optional(),
    recipient: recipientSchema,
    subject: z.string().max(998),
    text: z.string().max(MAX_TEXT),
    html: z.string().max(MAX_TEXT).optional(),
    attachmentIds: z.array(z.uuid()).max(100).default([]),
    threading: z
      .object({
        inReplyTo: shortText(998).optional(),
        references: z.array(shortText(998)).max(100).default([]),
        threadKey: shortText(200).optional(),
      })
      .strict()
      .default({ references: [] }),
    autoSubmitted: z.boolean().default(false),
    /**
     * Asks the customer something the channel can offer buttons for: `resolution-survey` = "Was
     * your question solved?" (yes closes the ticket, no reopens it) followed by a 1–5 rating. The
     * answers come back as CustomerEvents. Channels without buttons send the text alone.
     */
    prompt: z.enum(['resolution-survey']).optional(),
    /** 1 for the first send; an agent's retry of a failed message sends attempt + 1. */
    attempt: z.number().int().min(1).max(1000).default(1),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .strict()
  .superRefine((m, ctx) => {
    const needed = { email: 'email', telegram: 'telegramId', sms: 'phone' } as const;
    const key = needed[m.channel];
    if (!m.recipient[key]) {
      ctx.addIssue({ code: 'custom', path: ['recipient', key], message: `a ${m.channel} message needs recipient.${key}` });
    }
  });

export type OutboundMessage = z.infer<typeof outboundMessageSchema>;
export type OutboundMessageInput = z.input<typeof outboundMessageSchema>;

export enum DeliveryStatus {
  Queued = 'queued',
  Sent = 'sent',
  Delivered = 'delivered',
  Failed = 'failed',
}

export const deliveryReportSchema = z
  .object({
    v: z.literal(1),
    messageId: z.uuid(),
    status: z.enum([DeliveryStatus.Sent, DeliveryStatus.Delivered, DeliveryStatus.Failed]),
    /** The provider's id for the sent message (Message-ID, Telegram message id, SMS id). */
    externalId: shortText(998).optional(),
    /**
     * Other ids the provider gave the sent message (an SMTP relay that rewrites Message-IDs names
     * the new one in its reply). A full id (`<x@y>`) or a bare token, which then stands for any id
     * with that local part. Replies that reference one thread to this message.
     */
    aliases: z.array(shortText(998)).max(10).optional(),
    /** What the message took on the wire, for channels that count it (SMS: segments and their encoding). */
    segments: z.number().int().min(1).max(255).optional(),
    encoding: z.enum(['gsm7', 'ucs2']).optional(),
    reason: z.string().max(2000).optional(),
    /** The OutboundMessage attempt this report is about; reports on an earlier attempt are stale. */
    attempt: z.number().int().min(1).max(1000).default(1),
    at: z.iso.datetime({ offset: true }),
  })
  .strict()
  .refine((r) => r.status !== DeliveryStatus.Failed || Boolean(r.reason), {
    message: 'a failed delivery needs a reason',
    path: ['reason'],
  });

export type DeliveryReport = z.infer<typeof deliveryReportSchema>;
export type DeliveryReportInput = z.input<typeof deliveryReportSchema>;

import { z } from 'zod';
import { senderIdentitySchema } from './messages.js';
import { Channel } from './queues.js';

const shortText = (max: number) => z.string().trim().min(1).max(max);

/** What every customer event carries: who did it, where, and the channel's id for the event. */
const base = {
  v: z.literal(1),
  channel: z.enum(Channel),
  channelAccountId: shortText(200),
  /** The channel's id for this event (e.g. a Telegram update id); with channelAccountId the dedup key. */
  eventId: shortText(200),
  sender: senderIdentitySchema,
  at: z.iso.datetime({ offset: true }),
};

/**
 * Things customers do besides writing a new message. Core checks that the sender is the ticket's
 * contact (or the author of the edited message) before applying anything.
 *
 * - `message-edited`: the customer changed a message they sent (`externalId` = the InboundMessage's
 *   externalId); the message's text is replaced and the previous text kept in its history.
 * - `resolution-answer`: the answer to a `resolution-survey` prompt: solved → the resolved ticket
 *   is closed; not solved → it is reopened.
 * - `rating`: 1–5 for the ticket, stored on it (a later rating replaces an earlier one).
 * - `contact-shared`: the customer shared their own phone number (`sender.phone`, with the
 *   channel's identity beside it); it is added to their contact unless another contact has it.
 * - `opt-out`: the customer asked for no more messages on this channel (an SMS "STOP"), or
 *   (`optedOut: false`) for them again ("START"); kept on the sender's identity of the channel.
 *   Nothing automatic is sent to an opted-out identity, and replies to it fail with that reason.
 */
export const customerEventSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...base,
      type: z.literal('message-edited'),
      externalId: shortText(998),
      text: z.string().max(1_000_000),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('resolution-answer'),
      ticketId: z.uuid(),
      solved: z.boolean(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('rating'),
      ticketId: z.uuid(),
      rating: z.number().int().min(1).max(5),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('contact-shared'),
    })
    .strict()
    .refine((e) => Boolean(e.sender.phone), { message: 'a shared contact needs sender.phone', path: ['sender', 'phone'] }),
  z
    .object({
      ...base,
      type: z.literal('opt-out'),
      optedOut: z.boolean(),
    })
    .strict(),
]);

export type CustomerEvent = z.infer<typeof customerEventSchema>;
export type CustomerEventInput = z.input<typeof customerEventSchema>;

/**
 * A Telegram update as received, for the Telegram service's own queue: the webhook answers as soon
 * as this is queued, and a poller moves its offset on only then. The job id is the bot and the
 * update_id, so a redelivered update is queued once.
 */
export const telegramUpdateSchema = z
  .object({
    v: z.literal(1),
    botId: z.uuid(),
    updateId: z.number().int().nonnegative(),
    /** The update exactly as Telegram sent it. */
    update: z.record(z.string(), z.unknown()),
    receivedAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;

import { normalizePhone } from '@switchboard/common';
import type { SenderIdentity } from '@switchboard/contracts';
import type { Message, Update } from 'telegraf/types';

type TgMessage = Update.MessageUpdate['message'];
type TgUser = NonNullable<TgMessage['from']>;

/** A file of a message, to fetch with getFile. */
export interface IncomingFile {
  fileId: string;
  /** As Telegram reported it; missing for some files. */
  size: number | undefined;
  filename: string;
  contentType: string;
}

/** What an update asks of the service, decided without any I/O. */
export type UpdatePlan =
  | { kind: 'ignore'; reason: string }
  | { kind: 'command'; command: 'start' | 'new' | 'help'; chatId: string; sender: SenderIdentity; rest: string; message: MessagePlan | undefined }
  | { kind: 'message'; message: MessagePlan }
  | { kind: 'contact-shared'; chatId: string; sender: SenderIdentity }
  | { kind: 'edit'; chatId: string; sender: SenderIdentity; externalId: string; text: string }
  | { kind: 'callback'; callbackId: string; chatId: string; sender: SenderIdentity; botMessageId: number | undefined; data: string };

/** A customer's message as it becomes an InboundMessage (files still to download). */
export interface MessagePlan {
  chatId: string;
  messageId: number;
  /** `<chat id>:<message id>`: unique per bot, the same however often the update comes. */
  externalId: string;
  sender: SenderIdentity;
  receivedAt: string;
  text: string;
  /** The first line, for the title of a new ticket. */
  subject: string;
  files: IncomingFile[];
}

const SUBJECT_MAX = 120;

export function senderOf(user: TgUser): SenderIdentity {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim().slice(0, 200);
  return {
    telegramId: String(user.id),
    ...(name ? { displayName: name } : {}),
    ...(user.username && /^[A-Za-z0-9_]{1,64}$/.test(user.username) ? { telegramUsername: user.username } : {}),
  };
}

export const externalIdOf = (chatId: string | number, messageId: number) => `${chatId}:${messageId}`;

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  const t = line.trim();
  return t.length > SUBJECT_MAX ? `${t.slice(0, SUBJECT_MAX - 1)}…` : t;
}

const osm = (lat: number, lon: number) => `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;

/** The text and files of a message: its text or caption, every kind of file, and notes for what is not a file. */
function contentOf(m: TgMessage): { text: string; files: IncomingFile[]; label: string } {
  const parts: string[] = [];
  const files: IncomingFile[] = [];
  let label = 'Message';
  const body = 'text' in m ? m.text : 'caption' in m ? (m.caption ?? '') : '';
  if (body) parts.push(body);
  const id = m.message_id;
  if ('photo' in m && m.photo.length) {
    // Sizes come smallest first; the largest is the original.
    const largest = m.photo.reduce((a, b) => ((b.file_size ?? b.width * b.height) >= (a.file_size ?? a.width * a.height) ? b : a));
    files.push({ fileId: largest.file_id, size: largest.file_size, filename: `photo-${id}.jpg`, contentType: 'image/jpeg' });
    label = 'Photo';
  } else if ('document' in m) {
    const d = m.document;
    files.push({ fileId: d.file_id, size: d.file_size, filename: d.file_name || `document-${id}`, contentType: d.mime_type || 'application/octet-stream' });
    label = `Document ${d.file_name ?? ''}`.trim();
  } else if ('voice' in m) {
    files.push({ fileId: m.voice.file_id, size: m.voice.file_size, filename: `voice-${id}.ogg`, contentType: m.voice.mime_type || 'audio/ogg' });
    label = 'Voice message';
  } else if ('audio' in m) {
    const a = m.audio;
    files.push({ fileId: a.file_id, size: a.file_size, filename: a.file_name || `audio-${id}.mp3`, contentType: a.mime_type || 'audio/mpeg' });
    label = 'Audio';
  } else if ('video' in m) {
    const v = m.video;
    files.push({ fileId: v.file_id, size: v.file_size, filename: v.file_name || `video-${id}.mp4`, contentType: v.mime_type || 'video/mp4' });
    label = 'Video';
  } else if ('video_note' in m) {
    files.push({ fileId: m.video_note.file_id, size: m.video_note.file_size, filename: `video-note-${id}.mp4`, contentType: 'video/mp4' });
    label = 'Video message';
  } else if ('animation' in m) {
    const a = (m as unknown as Message.AnimationMessage).animation;
    files.push({ fileId: a.file_id, size: a.file_size, filename: a.file_name || `animation-${id}.mp4`, contentType: a.mime_type || 'video/mp4' });
    label = 'Animation';
  } else if ('sticker' in m) {
    const s = m.sticker;
    parts.push(`[Sticker${s.emoji ? ` ${s.emoji}` : ''}${s.set_name ? ` from the set "${s.set_name}"` : ''}]`);
    label = `Sticker${s.emoji ? ` ${s.emoji}` : ''}`;
  } else if ('venue' in m) {
    const v = m.venue;
    parts.push(`[Place: ${v.title}, ${v.address} (${v.location.latitude}, ${v.location.longitude}) ${osm(v.location.latitude, v.location.longitude)}]`);
    label = `Place: ${v.title}`;
  } else if ('location' in m) {
    const l = m.location;
    parts.push(`[Location: ${l.latitude}, ${l.longitude} ${osm(l.latitude, l.longitude)}]`);
    label = 'Location';
  } else if ('contact' in m) {
    const c = m.contact;
    parts.push(`[Contact: ${[c.first_name, c.last_name].filter(Boolean).join(' ')}, ${c.phone_number}]`);
    label = 'Contact';
  } else if (!body) {
    const kind = Object.keys(m).find((k) => !['message_id', 'from', 'chat', 'date', 'sender_chat', 'entities', 'reply_to_message'].includes(k)) ?? 'unknown';
    parts.push(`[A Telegram message of a kind not shown here: ${kind}]`);
    label = 'Message';
  }
  return { text: parts.join('\n\n'), files, label };
}

export function messagePlanOf(m: TgMessage, from: TgUser): MessagePlan {
  const chatId = String(m.chat.id);
  const { text, files, label } = contentOf(m);
  return {
    chatId,
    messageId: m.message_id,
    externalId: externalIdOf(chatId, m.message_id),
    sender: senderOf(from),
    receivedAt: new Date(m.date * 1000).toISOString(),
    text,
    subject: firstLine(text.startsWith('[') ? label : text) || label,
    files,
  };
}

const COMMAND_RE = /^\/(start|new|help)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/;

/** Decides what to do with an update. Private chats only: a support bot talks to one customer at a time. */
export function planUpdate(update: Update): UpdatePlan {
  if ('message' in update) {
    const m = update.message;
    const from = m.from;
    if (m.chat.type !== 'private') return { kind: 'ignore', reason: `a ${m.chat.type} chat (only private chats become tickets)` };
    if (!from || from.is_bot) return { kind: 'ignore', reason: 'a message from a bot' };
    const chatId = String(m.chat.id);
    if ('contact' in m && m.contact.user_id === from.id) {
      const phone = sharedPhone(m.contact.phone_number);
      if (!phone) return { kind: 'ignore', reason: `an unusable shared phone number` };
      return { kind: 'contact-shared', chatId, sender: { ...senderOf(from), phone } };
    }
    if ('text' in m) {
      const command = COMMAND_RE.exec(m.text.trim());
      if (command) {
        const rest = (command[2] ?? '').trim();
        const message = rest ? { ...messagePlanOf(m, from), text: rest, subject: firstLine(rest) } : undefined;
        return { kind: 'command', command: command[1] as 'start' | 'new' | 'help', chatId, sender: senderOf(from), rest, message };
      }
    }
    return { kind: 'message', message: messagePlanOf(m, from) };
  }
  if ('edited_message' in update) {
    const m = update.edited_message;
    if (m.chat.type !== 'private' || !m.from || m.from.is_bot) return { kind: 'ignore', reason: 'an edit outside a private chat' };
    const text = 'text' in m ? m.text : 'caption' in m ? (m.caption ?? '') : '';
    if (!text.trim()) return { kind: 'ignore', reason: 'an edit without text (a changed file or location)' };
    return { kind: 'edit', chatId: String(m.chat.id), sender: senderOf(m.from), externalId: externalIdOf(m.chat.id, m.message_id), text };
  }
  if ('callback_query' in update) {
    const q = update.callback_query;
    const data = 'data' in q ? q.data : undefined;
    const chatId = q.message ? String(q.message.chat.id) : String(q.from.id);
    if (!data) return { kind: 'ignore', reason: 'a callback without data' };
    return { kind: 'callback', callbackId: q.id, chatId, sender: senderOf(q.from), botMessageId: q.message?.message_id, data };
  }
  if ('my_chat_member' in update) {
    const status = update.my_chat_member.new_chat_member.status;
    return { kind: 'ignore', reason: status === 'kicked' ? 'the customer blocked the bot' : `the bot's membership changed to ${status}` };
  }
  return { kind: 'ignore', reason: `an update of a kind the bot does not handle (${Object.keys(update).filter((k) => k !== 'update_id').join(', ')})` };
}

/** Telegram sends shared numbers with or without the plus; E.164 or nothing. */
export function sharedPhone(value: string): string | undefined {
  const digits = value.replace(/[^\d+]/g, '');
  try {
    return normalizePhone(digits.startsWith('+') ? digits : `+${digits}`);
  } catch {
    return undefined;
  }
}

/** Buttons of the resolution survey and the rating: `<kind>:<ticket id>:<answer>`, within Telegram's 64 bytes. */
export type CallbackAction = { kind: 'solved'; ticketId: string; solved: boolean } | { kind: 'rating'; ticketId: string; rating: number };

const CALLBACK_RE = /^(sv|rt):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([yn1-5])$/;

export function callbackData(action: CallbackAction): string {
  return action.kind === 'solved' ? `sv:${action.ticketId}:${action.solved ? 'y' : 'n'}` : `rt:${action.ticketId}:${action.rating}`;
}

export function parseCallback(data: string): CallbackAction | undefined {
  const m = CALLBACK_RE.exec(data);
  if (!m) return undefined;
  if (m[1] === 'sv') return /[yn]/.test(m[3]) ? { kind: 'solved', ticketId: m[2], solved: m[3] === 'y' } : undefined;
  return /[1-5]/.test(m[3]) ? { kind: 'rating', ticketId: m[2], rating: Number(m[3]) } : undefined;
}

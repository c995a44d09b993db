/**
 * A Telegram Bot API server for tests, on 127.0.0.1 (a free port), speaking the real wire format
 * (https://core.telegram.org/bots/api): `GET|POST {apiRoot}/bot<token>/<method>` with a query
 * string, JSON, urlencoded or multipart body; answers `{ ok: true, result }` or `{ ok: false,
 * error_code, description, parameters? }` with that HTTP status; files at
 * `{apiRoot}/file/bot<token>/<file_path>`. Point telegraf at it with `telegram: { apiRoot }`.
 * Tests play the customers and look at what the bot sent:
 *
 *   const tg = await startBotApiEmulator();
 *   const bot = tg.createBot({ username: 'acme_support_bot' });
 *   ... start the service with bot.token and apiRoot = tg.apiRoot ...
 *   await tg.waitForCall(bot.token, 'getUpdates');     // the service is polling now
 *   const alice = tg.user(bot.token, { id: 5001, firstName: 'Alice', languageCode: 'de' });
 *   alice.sendCommand('/start');
 *   const { message } = alice.sendText('My printer is on fire');
 *   const reply = await tg.waitForMessage(alice.id, (m) => m.plainText.includes('ticket'));
 *   expect(reply.parseMode).toBe('HTML');
 *   alice.pressButton(reply, 'close');                 // a callback_query update
 *   alice.sendPhoto(samplePng(), { caption: 'see' });  // photo sizes, downloadable via getFile
 *   alice.block();                                     // further sends: 403 "Forbidden: bot was blocked by the user"
 *   tg.failNext('sendMessage', { code: 429, retryAfter: 3 });
 *   tg.enforceRateLimits({ perChatPerSecond: 1, perBotPerSecond: 30 });
 *   expect(tg.calls(bot.token, 'sendMessage').filter((c) => c.status === 429)).toEqual([]);
 *   await tg.close();
 *
 * Bot methods: getMe, getUpdates (long polling, offset confirmation, 409 while a webhook is set or
 * when a newer poll takes over), setWebhook / deleteWebhook / getWebhookInfo, sendMessage,
 * sendPhoto, sendDocument, sendChatAction, editMessageText, editMessageReplyMarkup, deleteMessage,
 * answerCallbackQuery, getFile, setMyCommands / getMyCommands / deleteMyCommands. Method names are
 * case-insensitive, as on the real server; any other method is a 404, an unknown or revoked
 * token a 401. Every call a bot makes is recorded (calls()).
 *
 * Like the real server:
 * - Updates get increasing update_ids per bot (starting at a random number). With a webhook set
 *   they are POSTed to it one at a time, in order, with `X-Telegram-Bot-Api-Secret-Token` if a
 *   secret_token was set; a non-2xx answer or a connection error is retried with backoff
 *   (`webhookRetry`). A webhook answer `{ "method": ..., ... }` (telegraf's webhookReply) is
 *   executed. Without a webhook they wait for getUpdates until confirmed with a higher offset.
 * - Private chats only: chat.id === user.id. A bot can write to a user only after the user wrote
 *   to it (or was created with `started: true`); before that it is 400 "chat not found".
 * - parse_mode HTML is parsed and checked (html.ts): bad markup is 400 "can't parse entities",
 *   more than 4096 characters after parsing (1024 for captions) is 400. Markdown and MarkdownV2
 *   are accepted without parsing. sendPhoto needs a real image (samplePng() makes one).
 * - Editing a message's text without reply_markup removes its inline keyboard; an edit that
 *   changes nothing is 400 "message is not modified".
 * - Webhooks can only point at loopback (127.x, localhost, [::1]) and URLs to upload from only at
 *   loopback: the emulator never contacts anything else.
 * Not emulated: groups and channels, inline mode, payments, media groups sent by bots, automatic
 * entities (urls, mentions) in received texts other than a leading /command.
 */
import { EventEmitter } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EntityParseError, parseHtml, trimText } from './html.js';
import { extensionFor, imageSize, mimeTypeFor } from './media.js';
import { ApiError, badRequest, forbidden, Params, readApiRequest, type UploadedFile } from './request.js';
import type {
  TgBotCommand,
  TgBotUser,
  TgCallbackQuery,
  TgChat,
  TgFile,
  TgInlineKeyboardButton,
  TgInlineKeyboardMarkup,
  TgKeyboardButton,
  TgMessage,
  TgMessageEntity,
  TgPhotoSize,
  TgReplyMarkup,
  TgUpdate,
  TgUpdateType,
  TgUser,
  TgWebhookInfo,
} from './types.js';

export type { UploadedFile } from './request.js';
export { samplePng } from './media.js';

// ---------------------------------------------------------------------------------------------
// The test-side API

export interface StartBotApiEmulatorOptions {
  /** Delay before the first retry of a failed webhook delivery, doubling up to maxMs (defaults 100 / 2000 ms). */
  webhookRetry?: { initialMs?: number; maxMs?: number };
  /** How long a webhook may take to answer before the delivery counts as failed (default 10 s). */
  webhookTimeoutMs?: number;
  /** How long a callback query can be answered (default 15 s); later it is "query is too old". */
  callbackQueryTtlMs?: number;
}

export interface EmulatedBot {
  /** `<id>:<35 characters>`, like a token from @BotFather. */
  token: string;
  id: number;
  username: string;
  name: string;
}

export interface UserProfile {
  /** The Telegram user id (also the private chat's id); default: the next free one. */
  id?: number;
  firstName?: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
  /** The user pressed Start before the test began, so the bot may write first. Default false. */
  started?: boolean;
}

/** What a customer action produced: the update queued for the bot and the message in it. */
export interface UserMessageResult {
  update: TgUpdate;
  message: TgMessage;
}

export interface CaptionOptions {
  caption?: string;
}

/** A customer in a private chat with one bot. Every action returns the update it produced (synchronously; delivery happens in the background). */
export interface EmulatedUser {
  readonly id: number;
  /** The private chat's id (the same as id). */
  readonly chatId: number;
  /** The User object updates carry in `from`. */
  readonly user: TgUser;
  /** A text message; a leading /command gets a bot_command entity. */
  sendText(text: string, options?: { replyTo?: number | SentMessage }): UserMessageResult;
  /** `/start`, `/help args`, ...: text with a bot_command entity for the command. */
  sendCommand(command: string): UserMessageResult;
  /** A photo: several sizes, largest (the given bytes) last; smaller sizes are placeholder bytes. */
  sendPhoto(bytes: Buffer, options?: CaptionOptions & { width?: number; height?: number }): UserMessageResult;
  /** Several photos as one album (same media_group_id, the caption on the first). */
  sendAlbum(photos: Buffer[], options?: CaptionOptions): UserMessageResult[];
  sendDocument(bytes: Buffer, options: CaptionOptions & { fileName: string; mimeType?: string }): UserMessageResult;
  sendVoice(bytes: Buffer, options?: CaptionOptions & { duration?: number; mimeType?: string }): UserMessageResult;
  sendVideo(bytes: Buffer, options?: CaptionOptions & { duration?: number; width?: number; height?: number; fileName?: string; mimeType?: string }): UserMessageResult;
  sendSticker(bytes: Buffer, options?: { emoji?: string; setName?: string }): UserMessageResult;
  sendLocation(latitude: number, longitude: number): UserMessageResult;
  /** The user's own contact, as a request_contact button shares it (contact.user_id = the user's id). */
  shareContact(phoneNumber: string): UserMessageResult;
  /** Edits a text message the user sent: an edited_message update. */
  editMessage(messageId: number, newText: string): UserMessageResult;
  /** Presses an inline button of a bot message (its current keyboard must have one with this callback_data). */
  pressButton(botMessage: SentMessage | number, callbackData: string): { update: TgUpdate; callbackQuery: TgCallbackQuery };
  /** Blocks the bot (a my_chat_member update: member → kicked); sending to the user is then a 403. */
  block(): { update: TgUpdate };
  /** Unblocks the bot (my_chat_member: kicked → member). The real app also sends /start; do that with sendCommand. */
  unblock(): { update: TgUpdate };
  /** Deletes the account: every bot then gets 403 "Forbidden: user is deactivated". */
  deactivate(): void;
}

export interface SentFile {
  fileId: string;
  /** The name the bot uploaded it with (telegraf names nameless uploads e.g. `photo.jpg`). */
  fileName: string | undefined;
  mimeType: string | undefined;
  bytes: Buffer;
}

/** A message a bot sent, kept current through edits and deletion. */
export interface SentMessage {
  botId: number;
  chatId: number;
  messageId: number;
  kind: 'text' | 'photo' | 'document';
  /** The text or caption parameter as sent, markup included (undefined: media without caption). */
  text: string | undefined;
  /** What the user reads: the text or caption with the markup parsed away. */
  plainText: string;
  entities: TgMessageEntity[];
  parseMode: string | undefined;
  /** The reply_markup as sent (an inline keyboard, or a reply keyboard, remove_keyboard, force_reply). */
  replyMarkup: TgReplyMarkup | undefined;
  replyToMessageId: number | undefined;
  file: SentFile | undefined;
  sentAt: Date;
  editedAt: Date | undefined;
  deletedAt: Date | undefined;
  /** Versions before edits, oldest first. */
  history: Array<{ text: string | undefined; plainText: string; parseMode: string | undefined; replyMarkup: TgReplyMarkup | undefined; at: Date }>;
  /** The Message object as the Bot API returns it now. */
  message: TgMessage;
}

/** One request a bot made. */
export interface ApiCall {
  /** The method's proper name (e.g. 'sendMessage' for 'SENDMESSAGE'); as sent if unknown. */
  method: string;
  /** Parameters as received: strings from forms and query strings, JSON values from JSON bodies. */
  params: Record<string, unknown>;
  files: UploadedFile[];
  at: Date;
  /** The HTTP status answered (200 or the error_code); 0 if the connection was cut (failNext disconnect). */
  status: number;
  description: string | undefined;
  result: unknown;
  /** Made by answering a webhook delivery with `{ method, ... }` instead of an HTTP request. */
  viaWebhookReply: boolean;
}

/**
 * What failNext makes a call answer: an error response (description defaults to the server's
 * wording: "Too Many Requests: retry after N" with parameters.retry_after for 429, "Bad Request",
 * "Forbidden", "Internal Server Error", ...), or a cut connection, `before` the call takes effect
 * or `after` (the message was sent but the bot never hears so: the duplicate-send case).
 */
export type InjectedFault = { code: 429; retryAfter: number; description?: string } | { code: number; description?: string } | { disconnect: 'before' | 'after' };

export interface RateLimits {
  /** Sends (sendMessage/sendPhoto/sendDocument) to one chat within any 1 s window (default 1). */
  perChatPerSecond: number;
  /** Sends by one bot within any 1 s window (default 30). */
  perBotPerSecond: number;
}

export interface WebhookStatus {
  /** '' when no webhook is set. */
  url: string;
  /** Updates not yet delivered (or, without a webhook, not yet confirmed through getUpdates). */
  pending: number;
  delivered: number;
  failedAttempts: number;
  lastError: string | undefined;
  lastErrorAt: Date | undefined;
}

export interface CallbackAnswer {
  queryId: string;
  text: string | undefined;
  showAlert: boolean;
  url: string | undefined;
  at: Date;
}

export interface BotApiEmulator {
  /** `http://127.0.0.1:<port>`: telegraf's `telegram.apiRoot`. */
  readonly apiRoot: string;
  readonly port: number;
  createBot(options?: { username?: string; name?: string }): EmulatedBot;
  /** Revokes the token: the bot's calls get 401, held polls end with 401, webhook delivery stops. */
  revokeBot(token: string): void;
  /** A customer of the bot (the same id across bots is the same person, with one chat per bot). */
  user(botToken: string, profile?: UserProfile): EmulatedUser;
  /** Messages bots sent to a chat, oldest first (deleted ones included, with deletedAt). */
  messagesTo(chatId: number, botToken?: string): SentMessage[];
  /** The first message to the chat (already sent or still to come) that matches; rejects after timeoutMs (default 5000). */
  waitForMessage(chatId: number, predicate?: (m: SentMessage) => boolean, timeoutMs?: number): Promise<SentMessage>;
  /** The bot's calls, oldest first, optionally only those of one method (case-insensitive). */
  calls(botToken: string, method?: string): ApiCall[];
  /**
   * The first call of `method` by the bot that matches (made already or still to come; a held
   * getUpdates counts from its arrival, so `waitForCall(token, 'getUpdates')` waits until a
   * service is polling). Rejects after timeoutMs (default 5000).
   */
  waitForCall(botToken: string, method: string, predicate?: (c: ApiCall) => boolean, timeoutMs?: number): Promise<ApiCall>;
  /** Updates queued for the bot and not yet delivered/confirmed. */
  pendingUpdates(botToken: string): TgUpdate[];
  webhookStatus(botToken: string): WebhookStatus;
  /** Resolves once the bot has no pending updates (all delivered to the webhook or confirmed). */
  waitForIdle(botToken: string, timeoutMs?: number): Promise<void>;
  callbackAnswer(queryId: string): CallbackAnswer | undefined;
  waitForCallbackAnswer(queryId: string, timeoutMs?: number): Promise<CallbackAnswer>;
  /** The next `count` calls of `method` ('*': any method; case-insensitive) by any bot fail with `fault`. */
  failNext(method: string, fault: InjectedFault, count?: number): void;
  /** Answers sends beyond these limits with 429 + retry_after, as the real server's flood control does; false turns it off. */
  enforceRateLimits(limits?: Partial<RateLimits> | false): void;
  /** The next `n` webhook deliveries fail as if the endpoint refused the connection (they are retried). */
  dropWebhookDeliveries(n: number): void;
  /** Stops listening, ends held long polls (empty result) and webhook retries. Safe to call more than once. */
  close(): Promise<void>;
}

export async function startBotApiEmulator(options: StartBotApiEmulatorOptions = {}): Promise<BotApiEmulator> {
  const emulator = new Emulator(options);
  await emulator.listen();
  return emulator;
}

// ---------------------------------------------------------------------------------------------
// State

const HOST = '127.0.0.1';
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
const SEND_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument']);
const METHODS = [
  'getMe',
  'getUpdates',
  'setWebhook',
  'deleteWebhook',
  'getWebhookInfo',
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendChatAction',
  'editMessageText',
  'editMessageReplyMarkup',
  'deleteMessage',
  'answerCallbackQuery',
  'getFile',
  'setMyCommands',
  'getMyCommands',
  'deleteMyCommands',
] as const;
type Method = (typeof METHODS)[number];
const METHOD_BY_LOWER_NAME = new Map<string, Method>(METHODS.map((m) => [m.toLowerCase(), m]));
/** Update types a bot gets when allowed_updates is empty or was never given. */
const EXCLUDED_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);
const INLINE_BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];
const NOT_MODIFIED = 'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

type FileKind = 'photo' | 'document' | 'voice' | 'video' | 'sticker';
const FILE_KIND_INFO: Record<FileKind, { idPrefix: string; dir: string; extension: string; label: string }> = {
  photo: { idPrefix: 'AgACAgIAAxkBAAI', dir: 'photos', extension: 'jpg', label: 'Photo' },
  document: { idPrefix: 'BQACAgIAAxkBAAI', dir: 'documents', extension: 'dat', label: 'Document' },
  voice: { idPrefix: 'AwACAgIAAxkBAAI', dir: 'voice', extension: 'oga', label: 'Voice' },
  video: { idPrefix: 'BAACAgIAAxkBAAI', dir: 'videos', extension: 'mp4', label: 'Video' },
  sticker: { idPrefix: 'CAACAgIAAxkBAAI', dir: 'stickers', extension: 'webp', label: 'Sticker' },
};

interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  /** file_ids are per bot, as on the real server. */
  botId: number;
  kind: FileKind;
  bytes: Buffer;
  fileName: string | undefined;
  mimeType: string | undefined;
  filePath: string;
  /** For photos: all sizes of the photo this file is one size of. */
  photoSizes?: TgPhotoSize[];
}

interface HeldPoll {
  limit: number;
  finish(outcome: TgUpdate[] | ApiError): void;
}

interface Webhook {
  url: string;
  secretToken: string | undefined;
  maxConnections: number;
  ipAddress: string | undefined;
}

interface ChatState {
  userId: number;
  /** The user has written to the bot, so the bot may write to the user. */
  started: boolean;
  blocked: boolean;
  nextMessageId: number;
  /** Every message in the chat, both directions, current versions (replaced, never mutated). */
  messages: Map<number, TgMessage>;
  chatInstance: string;
  sendTimes: number[];
}

interface BotState {
  info: EmulatedBot;
  me: TgBotUser;
  revoked: boolean;
  nextUpdateId: number;
  queue: TgUpdate[];
  allowedUpdates: string[];
  poll: HeldPoll | undefined;
  webhook: Webhook | undefined;
  delivering: boolean;
  delivered: number;
  failedAttempts: number;
  lastError: { message: string; at: Date } | undefined;
  chats: Map<number, ChatState>;
  calls: ApiCall[];
  commands: TgBotCommand[];
  sendTimes: number[];
}

interface CallbackQueryState {
  botId: number;
  createdAt: number;
  answer: CallbackAnswer | undefined;
}

/** A result with the `description` the real server adds to some answers (setWebhook: "Webhook was set"). */
class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

const unixTime = (date = new Date()) => Math.floor(date.getTime() / 1000);
const randomToken = (length: number) => Array.from(randomBytes(length), (b) => TOKEN_ALPHABET[b & 63]).join('');
const randomId64 = () => BigInt.asUintN(63, randomBytes(8).readBigUInt64BE()).toString();
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** A leading /command of a text as a bot_command entity. */
function commandEntities(text: string): TgMessageEntity[] {
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  return command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : [];
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** The description for a connection error, in the server's words where it has some. */
function describeConnectionError(err: NodeJS.ErrnoException): string {
  const known: Record<string, string> = { ECONNREFUSED: 'Connection refused', ECONNRESET: 'Connection reset by peer' };
  return (err.code && known[err.code]) || err.message;
}

class Emulator implements BotApiEmulator {
  apiRoot = '';
  port = 0;

  // Anything onRequest does not expect (a malformed %-escape, a bug) becomes a 500 answer.
  private readonly server = http.createServer((req, res) => void this.onRequest(req, res).catch((err: unknown) => this.reply(res, err)));
  private readonly events = new EventEmitter().setMaxListeners(0);
  private readonly bots = new Map<string, BotState>();
  private readonly users = new Map<number, { user: TgUser; deactivated: boolean }>();
  private readonly files = new Map<string, StoredFile>();
  private readonly sent: SentMessage[] = [];
  private readonly callbackQueries = new Map<string, CallbackQueryState>();
  private readonly faults: Array<{ method: string; fault: InjectedFault }> = [];
  private readonly shutdown = new AbortController();
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly webhookTimeoutMs: number;
  private readonly callbackQueryTtlMs: number;
  private limits: RateLimits | undefined;
  private webhookDrops = 0;
  private botSeq = 0;
  private userSeq = 0;
  private fileSeq = 0;
  private closing: Promise<void> | undefined;

  constructor(options: StartBotApiEmulatorOptions) {
    this.retryInitialMs = options.webhookRetry?.initialMs ?? 100;
    this.retryMaxMs = options.webhookRetry?.maxMs ?? 2000;
    this.webhookTimeoutMs = options.webhookTimeoutMs ?? 10_000;
    this.callbackQueryTtlMs = options.callbackQueryTtlMs ?? 15_000;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, HOST, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.apiRoot = `http://${HOST}:${this.port}`;
  }

  private get closed(): boolean {
    return this.shutdown.signal.aborted;
  }

  // -------------------------------------------------------------------------------------------
  // Bots and users

  createBot(options: { username?: string; name?: string } = {}): EmulatedBot {
    const seq = ++this.botSeq;
    const username = options.username ?? `test${seq}_bot`;
    if (!/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(username) || !/bot$/i.test(username)) {
      throw new Error(`"${username}" is not a bot username: 5–32 letters, digits and _, ending in "bot"`);
    }
    if ([...this.bots.values()].some((b) => b.info.username.toLowerCase() === username.toLowerCase())) {
      throw new Error(`a bot named @${username} exists already`);
    }
    const id = 7_100_000_000 + seq;
    const info: EmulatedBot = { token: `${id}:AA${randomToken(33)}`, id, username, name: options.name ?? `Test Bot ${seq}` };
    this.bots.set(info.token, {
      info,
      me: {
        id,
        is_bot: true,
        first_name: info.name,
        username,
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
        can_connect_to_business: false,
        has_main_web_app: false,
      },
      revoked: false,
      nextUpdateId: randomInt(100_000_000, 900_000_000),
      queue: [],
      allowedUpdates: [],
      poll: undefined,
      webhook: undefined,
      delivering: false,
      delivered: 0,
      failedAttempts: 0,
      lastError: undefined,
      chats: new Map(),
      calls: [],
      commands: [],
      sendTimes: [],
    });
    return { ...info };
  }

  revokeBot(token: string): void {
    const bot = this.bot(token);
    bot.revoked = true;
    bot.poll?.finish(new ApiError(401, 'Unauthorized'));
  }

  user(botToken: string, profile: UserProfile = {}): EmulatedUser {
    const bot = this.bot(botToken);
    let id = profile.id;
    if (id === undefined) {
      do id = 100_000_000 + ++this.userSeq;
      while (this.users.has(id));
    }
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`user id ${id} is not a positive integer`);
    if ([...this.bots.values()].some((b) => b.info.id === id)) throw new Error(`${id} is a bot's id`);
    let known = this.users.get(id);
    if (!known) {
      known = { user: { id, is_bot: false, first_name: profile.firstName ?? `User ${id}` }, deactivated: false };
      this.users.set(id, known);
    }
    const user = known.user;
    if (profile.firstName !== undefined) user.first_name = profile.firstName;
    if (profile.lastName !== undefined) user.last_name = profile.lastName;
    if (profile.username !== undefined) user.username = profile.username;
    if (profile.languageCode !== undefined) user.language_code = profile.languageCode;
    const chat = this.chatState(bot, id);
    if (profile.started) chat.started = true;
    return this.userHandle(bot, id);
  }

  private userHandle(bot: BotState, userId: number): EmulatedUser {
    const userOf = () => this.users.get(userId)!.user;
    const send = (fields: Partial<TgMessage>, replyTo?: number) => this.userMessage(bot, userId, fields, replyTo);
    const caption = (text: string | undefined): Partial<TgMessage> => (text ? { caption: text } : {});
    return {
      id: userId,
      chatId: userId,
      get user() {
        return { ...userOf() };
      },
      sendText: (text, options = {}) => {
        const replyTo = options.replyTo === undefined ? undefined : typeof options.replyTo === 'number' ? options.replyTo : options.replyTo.messageId;
        const entities = commandEntities(text);
        return send({ text, ...(entities.length ? { entities } : {}) }, replyTo);
      },
      sendCommand: (command) => {
        if (!/^\/[A-Za-z0-9_]+/.test(command)) throw new Error(`"${command}" is not a bot command (/name, letters, digits and _)`);
        return send({ text: command, entities: commandEntities(command) });
      },
      sendPhoto: (bytes, options = {}) => send({ photo: this.storePhoto(bot, bytes, options).sizes, ...caption(options.caption) }),
      sendAlbum: (photos, options = {}) => {
        const group = randomId64();
        return photos.map((bytes, i) => send({ media_group_id: group, photo: this.storePhoto(bot, bytes, {}).sizes, ...caption(i === 0 ? options.caption : undefined) }));
      },
      sendDocument: (bytes, options) => {
        const mimeType = options.mimeType ?? mimeTypeFor(options.fileName, undefined, bytes);
        const file = this.storeFile(bot, 'document', bytes, options.fileName, mimeType);
        return send({
          document: { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_name: options.fileName, mime_type: mimeType, file_size: bytes.length },
          ...caption(options.caption),
        });
      },
      sendVoice: (bytes, options = {}) => {
        const mimeType = options.mimeType ?? 'audio/ogg';
        const file = this.storeFile(bot, 'voice', bytes, undefined, mimeType);
        return send({
          voice: { file_id: file.fileId, file_unique_id: file.fileUniqueId, duration: options.duration ?? 3, mime_type: mimeType, file_size: bytes.length },
          ...caption(options.caption),
        });
      },
      sendVideo: (bytes, options = {}) => {
        const mimeType = options.mimeType ?? 'video/mp4';
        const file = this.storeFile(bot, 'video', bytes, options.fileName, mimeType);
        return send({
          video: {
            file_id: file.fileId,
            file_unique_id: file.fileUniqueId,
            width: options.width ?? 1280,
            height: options.height ?? 720,
            duration: options.duration ?? 5,
            ...(options.fileName ? { file_name: options.fileName } : {}),
            mime_type: mimeType,
            file_size: bytes.length,
          },
          ...caption(options.caption),
        });
      },
      sendSticker: (bytes, options = {}) => {
        const file = this.storeFile(bot, 'sticker', bytes, undefined, 'image/webp');
        return send({
          sticker: {
            file_id: file.fileId,
            file_unique_id: file.fileUniqueId,
            type: 'regular',
            width: 512,
            height: 512,
            is_animated: false,
            is_video: false,
            emoji: options.emoji ?? '👍',
            ...(options.setName ? { set_name: options.setName } : {}),
            file_size: bytes.length,
          },
        });
      },
      sendLocation: (latitude, longitude) => send({ location: { latitude, longitude } }),
      shareContact: (phoneNumber) => {
        const user = userOf();
        return send({ contact: { phone_number: phoneNumber, first_name: user.first_name, ...(user.last_name ? { last_name: user.last_name } : {}), user_id: userId } });
      },
      editMessage: (messageId, newText) => this.userEdits(bot, userId, messageId, newText),
      pressButton: (botMessage, callbackData) => this.userPresses(bot, userId, typeof botMessage === 'number' ? botMessage : botMessage.messageId, callbackData),
      block: () => this.setBlocked(bot, userId, true),
      unblock: () => this.setBlocked(bot, userId, false),
      deactivate: () => {
        this.users.get(userId)!.deactivated = true;
      },
    };
  }

  private chatState(bot: BotState, userId: number): ChatState {
    let chat = bot.chats.get(userId);
    if (!chat) {
      chat = { userId, started: false, blocked: false, nextMessageId: 1, messages: new Map(), chatInstance: `-${randomId64()}`, sendTimes: [] };
      bot.chats.set(userId, chat);
    }
    return chat;
  }

  private chatObject(userId: number): TgChat {
    const { user } = this.users.get(userId)!;
    return {
      id: userId,
      type: 'private',
      first_name: user.first_name,
      ...(user.last_name ? { last_name: user.last_name } : {}),
      ...(user.username ? { username: user.username } : {}),
    };
  }

  /** The user and chat for a customer action; throws (a test error) if the user cannot act. */
  private actingUser(bot: BotState, userId: number, action: string): { user: TgUser; chat: ChatState } {
    const known = this.users.get(userId)!;
    const chat = this.chatState(bot, userId);
    if (known.deactivated) throw new Error(`user ${userId} is deactivated and cannot ${action}`);
    if (chat.blocked) throw new Error(`user ${userId} blocked @${bot.info.username}; unblock() before they ${action}`);
    return { user: { ...known.user }, chat };
  }

  private userMessage(bot: BotState, userId: number, fields: Partial<TgMessage>, replyTo?: number): UserMessageResult {
    const { user, chat } = this.actingUser(bot, userId, 'send messages');
    const replied = replyTo === undefined ? undefined : chat.messages.get(replyTo);
    if (replyTo !== undefined && !replied) throw new Error(`there is no message ${replyTo} in chat ${userId} to reply to`);
    chat.started = true;
    const message: TgMessage = {
      message_id: chat.nextMessageId++,
      from: user,
      chat: this.chatObject(userId),
      date: unixTime(),
      ...(replied ? { reply_to_message: withoutReply(replied) } : {}),
      ...fields,
    };
    chat.messages.set(message.message_id, message);
    return { update: this.enqueue(bot, 'message', message), message };
  }

  private userEdits(bot: BotState, userId: number, messageId: number, newText: string): UserMessageResult {
    const { chat } = this.actingUser(bot, userId, 'edit messages');
    const original = chat.messages.get(messageId);
    if (!original || original.from?.id !== userId || original.text === undefined) {
      throw new Error(`message ${messageId} in chat ${userId} is not a text message of the user`);
    }
    const entities = commandEntities(newText);
    const { entities: _old, ...rest } = original;
    const message: TgMessage = { ...rest, text: newText, ...(entities.length ? { entities } : {}), edit_date: unixTime() };
    chat.messages.set(messageId, message);
    return { update: this.enqueue(bot, 'edited_message', message), message };
  }

  private userPresses(bot: BotState, userId: number, messageId: number, data: string): { update: TgUpdate; callbackQuery: TgCallbackQuery } {
    const { user, chat } = this.actingUser(bot, userId, 'press buttons');
    const message = chat.messages.get(messageId);
    if (!message || message.from?.id !== bot.info.id) throw new Error(`message ${messageId} in chat ${userId} is not a message of @${bot.info.username}`);
    const buttons = message.reply_markup?.inline_keyboard.flat() ?? [];
    if (!buttons.some((b) => b.callback_data === data)) {
      const have = buttons.map((b) => JSON.stringify(b.callback_data ?? b.text)).join(', ') || 'none';
      throw new Error(`message ${messageId} has no button with callback_data ${JSON.stringify(data)} (buttons: ${have})`);
    }
    const callbackQuery: TgCallbackQuery = { id: randomId64(), from: user, message, chat_instance: chat.chatInstance, data };
    this.callbackQueries.set(callbackQuery.id, { botId: bot.info.id, createdAt: Date.now(), answer: undefined });
    return { update: this.enqueue(bot, 'callback_query', callbackQuery), callbackQuery };
  }

  private setBlocked(bot: BotState, userId: number, blocked: boolean): { update: TgUpdate } {
    const known = this.users.get(userId)!;
    const chat = this.chatState(bot, userId);
    if (chat.blocked === blocked) throw new Error(`user ${userId} has ${blocked ? 'blocked' : 'not blocked'} @${bot.info.username} already`);
    chat.blocked = blocked;
    const botUser: TgUser = { id: bot.me.id, is_bot: true, first_name: bot.me.first_name, username: bot.me.username };
    const member = { status: 'member' as const, user: botUser };
    const kicked = { status: 'kicked' as const, user: botUser, until_date: 0 };
    const update = this.enqueue(bot, 'my_chat_member', {
      chat: this.chatObject(userId),
      from: { ...known.user },
      date: unixTime(),
      old_chat_member: blocked ? member : kicked,
      new_chat_member: blocked ? kicked : member,
    });
    return { update };
  }

  // -------------------------------------------------------------------------------------------
  // Updates: queue, long polling, webhook delivery

  private enqueue<T extends TgUpdateType>(bot: BotState, type: T, payload: NonNullable<TgUpdate[T]>): TgUpdate {
    const update = { update_id: bot.nextUpdateId++, [type]: payload } as TgUpdate;
    const allowed = bot.allowedUpdates.length ? bot.allowedUpdates.includes(type) : !EXCLUDED_BY_DEFAULT.has(type);
    if (!allowed) return update;
    bot.queue.push(update);
    if (bot.webhook) this.startDelivery(bot);
    else bot.poll?.finish(bot.queue.slice(0, bot.poll.limit));
    this.changed();
    return update;
  }

  private getUpdates(bot: BotState, params: Params, signal: AbortSignal): TgUpdate[] | Promise<TgUpdate[]> {
    if (bot.webhook) throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = params.integer('offset');
    const limit = Math.min(100, Math.max(1, params.integer('limit') ?? 100));
    const timeout = Math.max(0, params.integer('timeout') ?? 0);
    const allowed = params.json('allowed_updates', "can't parse allowed updates");
    if (allowed !== undefined) bot.allowedUpdates = Array.isArray(allowed) ? allowed.map(String) : [];

    // The offset confirms every update before it; a negative one keeps only the last -offset.
    if (offset !== undefined) {
      const drop = offset < 0 ? Math.max(0, bot.queue.length + offset) : bot.queue.filter((u) => u.update_id < offset).length;
      if (drop) {
        bot.queue.splice(0, drop);
        this.changed();
      }
    }
    bot.poll?.finish(new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    if (bot.queue.length || timeout === 0 || this.closed) return bot.queue.slice(0, limit);

    return new Promise((resolve, reject) => {
      const poll: HeldPoll = {
        limit,
        finish: (outcome) => {
          if (bot.poll !== poll) return;
          bot.poll = undefined;
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          if (outcome instanceof ApiError) reject(outcome);
          else resolve(outcome);
        },
      };
      const onAbort = () => poll.finish([]);
      const timer = setTimeout(() => poll.finish([]), timeout * 1000);
      signal.addEventListener('abort', onAbort);
      bot.poll = poll;
    });
  }

  private setWebhook(bot: BotState, params: Params): Described {
    const url = params.string('url') ?? '';
    if (!url) return this.deleteWebhook(bot, params);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest('bad webhook: Failed to parse the URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw badRequest('bad webhook: An HTTP(S) URL must be provided for webhook');
    if (!isLoopback(parsed.hostname)) {
      throw badRequest(`bad webhook: the emulator delivers only to loopback addresses (127.0.0.1, localhost, [::1]), not to ${parsed.hostname}`);
    }
    const secretToken = params.string('secret_token') || undefined;
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) throw badRequest('bad webhook: Secret token contains unallowed characters');
    const maxConnections = params.integer('max_connections') ?? 40;
    if (maxConnections < 1 || maxConnections > 100) throw badRequest('bad webhook: max_connections must be between 1 and 100');
    const allowed = params.json('allowed_updates', "can't parse allowed updates");
    if (allowed !== undefined) bot.allowedUpdates = Array.isArray(allowed) ? allowed.map(String) : [];
    if (params.boolean('drop_pending_updates')) bot.queue.length = 0;

    const webhook: Webhook = { url, secretToken, maxConnections, ipAddress: params.string('ip_address') || undefined };
    const unchanged = sameJson(webhook, bot.webhook);
    bot.webhook = webhook;
    bot.poll?.finish(new ApiError(409, 'Conflict: terminated by setWebhook request'));
    this.startDelivery(bot);
    this.changed();
    return new Described(true, unchanged ? 'Webhook is already set' : 'Webhook was set');
  }

  private deleteWebhook(bot: BotState, params: Params): Described {
    if (params.boolean('drop_pending_updates')) bot.queue.length = 0;
    const had = bot.webhook !== undefined;
    bot.webhook = undefined;
    this.changed();
    return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
  }

  private webhookInfo(bot: BotState): TgWebhookInfo {
    const hook = bot.webhook;
    return {
      url: hook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: bot.queue.length,
      ...(hook?.ipAddress ? { ip_address: hook.ipAddress } : {}),
      ...(bot.lastError ? { last_error_date: unixTime(bot.lastError.at), last_error_message: bot.lastError.message } : {}),
      ...(hook ? { max_connections: hook.maxConnections } : {}),
      ...(bot.allowedUpdates.length ? { allowed_updates: [...bot.allowedUpdates] } : {}),
    };
  }

  private startDelivery(bot: BotState): void {
    if (!bot.delivering && bot.webhook && bot.queue.length) void this.deliver(bot);
  }

  /** Delivers the bot's queue to its webhook in order, one update at a time, retrying failures with backoff. */
  private async deliver(bot: BotState): Promise<void> {
    bot.delivering = true;
    let attempt = 0;
    try {
      while (!this.closed && !bot.revoked && bot.webhook && bot.queue.length) {
        const update = bot.queue[0];
        const error = await this.post(bot, bot.webhook, update);
        if (this.closed) return;
        if (error === undefined) {
          const index = bot.queue.indexOf(update);
          if (index !== -1) bot.queue.splice(index, 1);
          bot.delivered++;
          attempt = 0;
          this.changed();
          continue;
        }
        bot.failedAttempts++;
        bot.lastError = { message: error, at: new Date() };
        this.changed();
        await sleep(Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** attempt++), undefined, { signal: this.shutdown.signal }).catch(() => undefined);
      }
    } finally {
      bot.delivering = false;
    }
  }

  /** POSTs one update; resolves with undefined on a 2xx answer, else with the error as getWebhookInfo reports it. */
  private post(bot: BotState, hook: Webhook, update: TgUpdate): Promise<string | undefined> {
    if (this.webhookDrops > 0) {
      this.webhookDrops--;
      return Promise.resolve('Connection refused');
    }
    const url = new URL(hook.url);
    const body = JSON.stringify(update);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (hook.secretToken) headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
    const secure = url.protocol === 'https:';
    return new Promise((resolve) => {
      const request = (secure ? https : http).request(
        url,
        { method: 'POST', headers, agent: secure ? this.httpsAgent : this.httpAgent, timeout: this.webhookTimeoutMs, signal: this.shutdown.signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (err) => resolve(describeConnectionError(err)));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) return resolve(`Wrong response from the webhook: ${status} ${res.statusMessage ?? ''}`.trim());
            const reply = Buffer.concat(chunks);
            const type = String(res.headers['content-type'] ?? '');
            if (reply.length && type.startsWith('application/json')) {
              void this.webhookReply(bot, reply).finally(() => resolve(undefined));
            } else {
              resolve(undefined);
            }
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error('Read timeout expired')));
      request.on('error', (err) => resolve(describeConnectionError(err)));
      request.end(body);
    });
  }

  /** Executes a method call the bot made in its answer to a webhook delivery (`{ "method": ..., ... }`). */
  private async webhookReply(bot: BotState, body: Buffer): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return;
    }
    if (!json || typeof json !== 'object' || typeof (json as { method?: unknown }).method !== 'string') return;
    const { method: name, ...values } = json as Record<string, unknown> & { method: string };
    const method = METHOD_BY_LOWER_NAME.get(name.toLowerCase());
    const call = this.recordCall(bot, method ?? name, new Params(values), true);
    if (!method || bot.revoked) return this.settle(call, new ApiError(method ? 401 : 404, method ? 'Unauthorized' : 'Not Found'));
    try {
      this.settle(call, await this.execute(bot, method, new Params(values), this.shutdown.signal));
    } catch (err) {
      this.settle(call, err);
    }
  }

  // -------------------------------------------------------------------------------------------
  // HTTP

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiRoot);
    const api = /^\/bot([^/]+)\/([^/]+)$/.exec(url.pathname);
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (download) return this.serveFile(req, res, decodeURIComponent(download[1]), decodeURIComponent(download[2]));
    if (!api) {
      req.resume();
      return this.reply(res, new ApiError(404, 'Not Found'));
    }
    const token = decodeURIComponent(api[1]);
    const method = METHOD_BY_LOWER_NAME.get(api[2].toLowerCase());
    let params: Params;
    try {
      params = await readApiRequest(req, url);
    } catch (err) {
      return this.reply(res, err);
    }
    const bot = this.bots.get(token);
    if (!method) {
      if (bot && !bot.revoked) this.settle(this.recordCall(bot, api[2], params, false), new ApiError(404, 'Not Found'));
      return this.reply(res, new ApiError(404, 'Not Found'));
    }
    if (!bot || bot.revoked) return this.reply(res, new ApiError(401, 'Unauthorized'));

    const call = this.recordCall(bot, method, params, false);
    const fault = this.takeFault(method);
    if (fault && 'disconnect' in fault && fault.disconnect === 'before') {
      this.settle(call, undefined, true);
      res.socket?.destroy();
      return;
    }
    const clientGone = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) clientGone.abort();
    });
    let outcome: unknown;
    try {
      if (fault && 'code' in fault) throw faultError(fault);
      this.checkRateLimits(bot, method, params);
      outcome = await this.execute(bot, method, params, clientGone.signal);
    } catch (err) {
      outcome = err;
    }
    if (fault && 'disconnect' in fault) {
      this.settle(call, outcome, true);
      res.socket?.destroy();
      return;
    }
    this.settle(call, outcome);
    this.reply(res, outcome);
  }

  private serveFile(req: IncomingMessage, res: ServerResponse, token: string, path: string): void {
    req.resume();
    const bot = this.bots.get(token);
    if (!bot || bot.revoked) return this.reply(res, new ApiError(401, 'Unauthorized'));
    const file = [...this.files.values()].find((f) => f.botId === bot.info.id && f.filePath === path);
    if (!file || file.bytes.length > MAX_DOWNLOAD_BYTES) return this.reply(res, new ApiError(404, 'Not Found'));
    res.writeHead(200, { 'content-type': file.mimeType ?? 'application/octet-stream', 'content-length': file.bytes.length, ...this.closeHeader() });
    res.end(file.bytes);
  }

  /** Writes a Bot API answer: an ApiError, another error (500), a Described result or a plain result. */
  private reply(res: ServerResponse, outcome: unknown): void {
    if (res.destroyed || res.writableEnded) return;
    let status = 200;
    let body: Record<string, unknown>;
    if (outcome instanceof ApiError) {
      status = outcome.code;
      body = { ok: false, error_code: outcome.code, description: outcome.description, ...(outcome.parameters ? { parameters: outcome.parameters } : {}) };
    } else if (outcome instanceof Error) {
      status = 500;
      body = { ok: false, error_code: 500, description: `Internal Server Error: ${outcome.message}` };
    } else if (outcome instanceof Described) {
      body = { ok: true, result: outcome.result, description: outcome.description };
    } else {
      body = { ok: true, result: outcome };
    }
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...this.closeHeader() });
    res.end(json);
  }

  /** While closing, answers end their connection, so the server can stop. */
  private closeHeader(): Record<string, string> {
    return this.closed ? { connection: 'close' } : {};
  }

  private recordCall(bot: BotState, method: string, params: Params, viaWebhookReply: boolean): ApiCall {
    const call: ApiCall = {
      method,
      params: params.values,
      files: [...params.files.values()],
      at: new Date(),
      status: 0,
      description: undefined,
      result: undefined,
      viaWebhookReply,
    };
    bot.calls.push(call);
    this.changed();
    return call;
  }

  /** Fills in how a recorded call ended. */
  private settle(call: ApiCall, outcome: unknown, cut = false): void {
    if (outcome instanceof ApiError) {
      call.status = outcome.code;
      call.description = outcome.description;
    } else if (outcome instanceof Error) {
      call.status = 500;
      call.description = outcome.message;
    } else {
      call.status = 200;
      call.result = outcome instanceof Described ? outcome.result : outcome;
    }
    if (cut) call.status = 0;
    this.changed();
  }

  // -------------------------------------------------------------------------------------------
  // Fault injection and flood control

  failNext(method: string, fault: InjectedFault, count = 1): void {
    if ('code' in fault && !(fault.code >= 400 && fault.code <= 599)) throw new Error(`failNext needs a 4xx or 5xx code, got ${fault.code}`);
    const name = method === '*' ? '*' : method.toLowerCase();
    for (let i = 0; i < count; i++) this.faults.push({ method: name, fault });
  }

  private takeFault(method: Method): InjectedFault | undefined {
    const index = this.faults.findIndex((f) => f.method === '*' || f.method === method.toLowerCase());
    return index === -1 ? undefined : this.faults.splice(index, 1)[0].fault;
  }

  enforceRateLimits(limits: Partial<RateLimits> | false = {}): void {
    this.limits = limits === false ? undefined : { perChatPerSecond: limits.perChatPerSecond ?? 1, perBotPerSecond: limits.perBotPerSecond ?? 30 };
  }

  dropWebhookDeliveries(n: number): void {
    this.webhookDrops += n;
  }

  /** 429 if this send would exceed the rate limits (sends that succeed are counted in noteSend). */
  private checkRateLimits(bot: BotState, method: Method, params: Params): void {
    if (!this.limits || !SEND_METHODS.has(method)) return;
    const now = Date.now();
    const recent = (times: number[]) => {
      while (times.length && times[0] <= now - 1000) times.shift();
      return times;
    };
    const tooMany = (times: number[], limit: number) => {
      if (recent(times).length < limit) return;
      const retryAfter = Math.max(1, Math.ceil((times[0] + 1000 - now) / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    };
    tooMany(bot.sendTimes, this.limits.perBotPerSecond);
    const chat = bot.chats.get(Number(params.string('chat_id')));
    if (chat) tooMany(chat.sendTimes, this.limits.perChatPerSecond);
  }

  private noteSend(bot: BotState, chat: ChatState): void {
    const now = Date.now();
    bot.sendTimes.push(now);
    chat.sendTimes.push(now);
  }

  // -------------------------------------------------------------------------------------------
  // Methods

  private async execute(bot: BotState, method: Method, params: Params, signal: AbortSignal): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return bot.me;
      case 'getUpdates':
        return this.getUpdates(bot, params, signal);
      case 'setWebhook':
        return this.setWebhook(bot, params);
      case 'deleteWebhook':
        return this.deleteWebhook(bot, params);
      case 'getWebhookInfo':
        return this.webhookInfo(bot);
      case 'sendMessage':
        return this.sendMessage(bot, params);
      case 'sendPhoto':
        return this.sendMedia(bot, params, 'photo');
      case 'sendDocument':
        return this.sendMedia(bot, params, 'document');
      case 'sendChatAction': {
        this.writableChat(bot, params);
        if (!CHAT_ACTIONS.has(params.string('action') ?? '')) throw badRequest('wrong parameter action in request');
        return true;
      }
      case 'editMessageText':
        return this.editMessageText(bot, params);
      case 'editMessageReplyMarkup':
        return this.editMessageReplyMarkup(bot, params);
      case 'deleteMessage':
        return this.deleteMessage(bot, params);
      case 'answerCallbackQuery':
        return this.answerCallbackQuery(bot, params);
      case 'getFile':
        return this.getFile(bot, params);
      case 'setMyCommands':
        bot.commands = this.commands(params);
        return true;
      case 'getMyCommands':
        return bot.commands;
      case 'deleteMyCommands':
        bot.commands = [];
        return true;
    }
  }

  /** The private chat a send or edit goes to, or the error the real server answers with. */
  private writableChat(bot: BotState, params: Params): ChatState {
    const raw = params.string('chat_id');
    if (!raw) throw badRequest('chat_id is empty');
    if (!/^\s*-?\d+\s*$/.test(raw)) throw badRequest('chat not found');
    const id = Number(raw);
    if ([...this.bots.values()].some((b) => b.info.id === id)) throw forbidden("bot can't send messages to bots");
    const chat = bot.chats.get(id);
    if (!chat || !chat.started) throw badRequest('chat not found');
    if (this.users.get(id)?.deactivated) throw forbidden('user is deactivated');
    if (chat.blocked) throw forbidden('bot was blocked by the user');
    return chat;
  }

  /** text/caption with parse_mode (or explicit entities) applied: what the user will read. */
  private formatted(params: Params, field: 'text' | 'caption', max: number, tooLong: string): { raw: string | undefined; text: string; entities: TgMessageEntity[]; parseMode: string | undefined } {
    const raw = params.string(field);
    const parseMode = params.string('parse_mode') || undefined;
    if (raw === undefined) return { raw, text: '', entities: [], parseMode };
    let parsed: { text: string; entities: TgMessageEntity[] };
    switch (parseMode?.toLowerCase()) {
      case undefined: {
        const given = params.json(field === 'text' ? 'entities' : 'caption_entities', "can't parse entities JSON object");
        parsed = trimText(raw, Array.isArray(given) ? (given as TgMessageEntity[]) : []);
        break;
      }
      case 'html':
        try {
          parsed = parseHtml(raw);
        } catch (err) {
          if (err instanceof EntityParseError) throw badRequest(`can't parse entities: ${err.message}`);
          throw err;
        }
        break;
      case 'markdown':
      case 'markdownv2':
        parsed = trimText(raw, []);
        break;
      default:
        throw badRequest('unsupported parse_mode');
    }
    if (parsed.text.length > max) throw badRequest(tooLong);
    return { raw, ...parsed, parseMode };
  }

  /** reply_markup, validated as the real server does; `inlineOnly` for edits. */
  private replyMarkup(params: Params, inlineOnly = false): TgReplyMarkup | undefined {
    const markup = params.json('reply_markup', "can't parse reply keyboard markup JSON object");
    if (markup === undefined) return undefined;
    if (!markup || typeof markup !== 'object' || Array.isArray(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
    const isRows = (rows: unknown): rows is unknown[][] => Array.isArray(rows) && rows.every((row) => Array.isArray(row));
    if ('inline_keyboard' in markup) {
      const rows = markup.inline_keyboard;
      if (!isRows(rows)) throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
      return { inline_keyboard: rows.map((row) => row.map(inlineButton)) };
    }
    if (inlineOnly) throw badRequest('inline keyboard expected');
    if ('keyboard' in markup) {
      const rows = markup.keyboard;
      if (!isRows(rows)) throw badRequest('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays');
      return { ...(markup as object), keyboard: rows.map((row) => row.map(keyboardButton)) };
    }
    if ('remove_keyboard' in markup && markup.remove_keyboard === true) return markup as TgReplyMarkup;
    if ('force_reply' in markup && markup.force_reply === true) return markup as TgReplyMarkup;
    throw badRequest("can't parse reply keyboard markup JSON object");
  }

  /** The message being replied to (reply_parameters or the older reply_to_message_id). */
  private replyTarget(chat: ChatState, params: Params): TgMessage | undefined {
    let id = params.integer('reply_to_message_id');
    let allowWithout = params.boolean('allow_sending_without_reply') ?? false;
    const parameters = params.json('reply_parameters', "can't parse reply parameters JSON object") as { message_id?: unknown; allow_sending_without_reply?: unknown } | undefined;
    if (parameters && typeof parameters === 'object') {
      id = Number(parameters.message_id);
      allowWithout = parameters.allow_sending_without_reply === true;
    }
    if (id === undefined) return undefined;
    const target = chat.messages.get(id);
    if (!target && !allowWithout) throw badRequest('message to be replied not found');
    return target;
  }

  /** Stores a new bot message in the chat and records it for the tests. */
  private botMessage(bot: BotState, chat: ChatState, params: Params, content: Partial<TgMessage>, details: Pick<SentMessage, 'kind' | 'text' | 'plainText' | 'entities' | 'parseMode' | 'file'>): TgMessage {
    const markup = this.replyMarkup(params);
    const replyTo = this.replyTarget(chat, params);
    const now = new Date();
    const message: TgMessage = {
      message_id: chat.nextMessageId++,
      from: { id: bot.me.id, is_bot: true, first_name: bot.me.first_name, username: bot.me.username },
      chat: this.chatObject(chat.userId),
      date: unixTime(now),
      ...(replyTo ? { reply_to_message: withoutReply(replyTo) } : {}),
      ...content,
      ...(markup && 'inline_keyboard' in markup ? { reply_markup: markup } : {}),
    };
    chat.messages.set(message.message_id, message);
    this.noteSend(bot, chat);
    this.sent.push({
      botId: bot.info.id,
      chatId: chat.userId,
      messageId: message.message_id,
      ...details,
      replyMarkup: markup,
      replyToMessageId: replyTo?.message_id,
      sentAt: now,
      editedAt: undefined,
      deletedAt: undefined,
      history: [],
      message,
    });
    this.changed();
    return message;
  }

  private sendMessage(bot: BotState, params: Params): TgMessage {
    const chat = this.writableChat(bot, params);
    const { raw, text, entities, parseMode } = this.formatted(params, 'text', MAX_TEXT, 'message is too long');
    if (!text) throw badRequest('message text is empty');
    return this.botMessage(bot, chat, params, { text, ...(entities.length ? { entities } : {}) }, { kind: 'text', text: raw, plainText: text, entities, parseMode, file: undefined });
  }

  private async sendMedia(bot: BotState, params: Params, kind: 'photo' | 'document'): Promise<TgMessage> {
    const chat = this.writableChat(bot, params);
    const { raw, text, entities, parseMode } = this.formatted(params, 'caption', MAX_CAPTION, 'message caption is too long');
    const input = await this.mediaInput(bot, params, kind);
    const captionFields = text ? { caption: text, ...(entities.length ? { caption_entities: entities } : {}) } : {};
    const file: SentFile = { fileId: input.file.fileId, fileName: input.uploadedName ?? input.file.fileName, mimeType: input.file.mimeType, bytes: input.file.bytes };
    const content: Partial<TgMessage> =
      kind === 'photo'
        ? { photo: input.file.photoSizes }
        : {
            document: {
              file_id: input.file.fileId,
              file_unique_id: input.file.fileUniqueId,
              ...(input.file.fileName ? { file_name: input.file.fileName } : {}),
              ...(input.file.mimeType ? { mime_type: input.file.mimeType } : {}),
              file_size: input.file.bytes.length,
            },
          };
    return this.botMessage(bot, chat, params, { ...content, ...captionFields }, { kind, text: raw, plainText: text, entities, parseMode, file });
  }

  /** The file a sendPhoto/sendDocument refers to: an upload, a file_id of this bot, or a loopback URL. */
  private async mediaInput(bot: BotState, params: Params, kind: 'photo' | 'document'): Promise<{ file: StoredFile; uploadedName: string | undefined }> {
    let upload = params.file(kind);
    const reference = params.string(kind);
    if (!upload && reference?.startsWith('attach://')) upload = params.file(reference.slice('attach://'.length));
    if (!upload && reference && /^https?:\/\//i.test(reference)) upload = await this.fetchUpload(kind, reference);
    if (upload) {
      if (kind === 'document') {
        const mimeType = mimeTypeFor(upload.fileName, upload.declaredType, upload.bytes);
        return { file: this.storeFile(bot, 'document', upload.bytes, upload.fileName, mimeType), uploadedName: upload.fileName };
      }
      const size = imageSize(upload.bytes);
      if (!size) throw badRequest('IMAGE_PROCESS_FAILED');
      if (size.width + size.height > 10_000 || Math.max(size.width, size.height) > 20 * Math.min(size.width, size.height)) {
        throw badRequest('PHOTO_INVALID_DIMENSIONS');
      }
      const { largest } = this.storePhoto(bot, upload.bytes, size);
      return { file: largest, uploadedName: upload.fileName };
    }
    if (!reference) throw badRequest(`there is no ${kind} in the request`);
    const file = this.files.get(reference.trim());
    if (!file || file.botId !== bot.info.id) throw badRequest('wrong file identifier/HTTP URL specified');
    const usable = kind === 'photo' ? file.kind === 'photo' : file.kind !== 'photo';
    if (!usable) throw badRequest(`can't use file of type ${FILE_KIND_INFO[file.kind].label} as ${FILE_KIND_INFO[kind].label}`);
    return { file, uploadedName: undefined };
  }

  /** Downloads a file the bot gave by URL; only loopback URLs, so tests never reach the internet. */
  private async fetchUpload(field: string, reference: string): Promise<UploadedFile> {
    let url: URL;
    try {
      url = new URL(reference);
    } catch {
      throw badRequest('wrong file identifier/HTTP URL specified');
    }
    if (!isLoopback(url.hostname)) throw badRequest('failed to get HTTP URL content');
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const fileName = decodeURIComponent(url.pathname.split('/').pop() ?? '') || undefined;
      return { field, fileName, declaredType: res.headers.get('content-type')?.split(';')[0] ?? 'application/octet-stream', bytes: Buffer.from(await res.arrayBuffer()) };
    } catch {
      throw badRequest('failed to get HTTP URL content');
    }
  }

  private storeFile(bot: BotState, kind: FileKind, bytes: Buffer, fileName: string | undefined, mimeType: string | undefined): StoredFile {
    const info = FILE_KIND_INFO[kind];
    const seq = ++this.fileSeq;
    const file: StoredFile = {
      fileId: `${info.idPrefix}${randomToken(56)}`,
      fileUniqueId: `AgAD${randomToken(12)}`,
      botId: bot.info.id,
      kind,
      bytes,
      fileName,
      mimeType,
      filePath: `${info.dir}/file_${seq}.${extensionFor(fileName, mimeType, info.extension)}`,
    };
    this.files.set(file.fileId, file);
    return file;
  }

  /**
   * A photo as the server stores one: thumbnails of 90, 320 and 800 px on the long side (those
   * smaller than the original; placeholder bytes, not images) and the original, largest last.
   */
  private storePhoto(bot: BotState, bytes: Buffer, size: { width?: number; height?: number }): { sizes: TgPhotoSize[]; largest: StoredFile } {
    const sniffed = imageSize(bytes);
    const width = size.width ?? sniffed?.width ?? 1280;
    const height = size.height ?? sniffed?.height ?? 960;
    const longSide = Math.max(width, height);
    const sizes: TgPhotoSize[] = [];
    const stored: StoredFile[] = [];
    for (const side of [90, 320, 800].filter((s) => s < longSide)) {
      const w = Math.max(1, Math.round((width * side) / longSide));
      const h = Math.max(1, Math.round((height * side) / longSide));
      stored.push(this.storeFile(bot, 'photo', Buffer.from(`thumbnail ${w}x${h}`), undefined, 'image/jpeg'));
      sizes.push({ file_id: stored.at(-1)!.fileId, file_unique_id: stored.at(-1)!.fileUniqueId, width: w, height: h, file_size: stored.at(-1)!.bytes.length });
    }
    const largest = this.storeFile(bot, 'photo', bytes, undefined, sniffed?.type ?? 'image/jpeg');
    stored.push(largest);
    sizes.push({ file_id: largest.fileId, file_unique_id: largest.fileUniqueId, width, height, file_size: bytes.length });
    for (const file of stored) file.photoSizes = sizes;
    return { sizes, largest };
  }

  /** The bot message an edit refers to. */
  private editTarget(bot: BotState, params: Params): { chat: ChatState; message: TgMessage; record: SentMessage | undefined } {
    if (params.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID');
    const chat = this.writableChat(bot, params);
    const id = params.integer('message_id', 'message identifier is not specified');
    if (id === undefined) throw badRequest('message identifier is not specified');
    const message = chat.messages.get(id);
    if (!message) throw badRequest('message to edit not found');
    if (message.from?.id !== bot.info.id) throw badRequest("message can't be edited");
    const record = this.sent.find((s) => s.botId === bot.info.id && s.chatId === chat.userId && s.messageId === id);
    return { chat, message, record };
  }

  /** Replaces a bot message by its edited version, keeping the previous one in the record's history. */
  private applyEdit(chat: ChatState, record: SentMessage | undefined, message: TgMessage, changes: Partial<SentMessage>): void {
    const now = new Date();
    chat.messages.set(message.message_id, message);
    if (record) {
      record.history.push({ text: record.text, plainText: record.plainText, parseMode: record.parseMode, replyMarkup: record.replyMarkup, at: record.editedAt ?? record.sentAt });
      Object.assign(record, changes, { editedAt: now, message });
    }
    this.changed();
  }

  private editMessageText(bot: BotState, params: Params): TgMessage {
    const { chat, message, record } = this.editTarget(bot, params);
    if (message.text === undefined) throw badRequest('there is no text in the message to edit');
    const { raw, text, entities, parseMode } = this.formatted(params, 'text', MAX_TEXT, 'message is too long');
    if (!text) throw badRequest('message text is empty');
    const markup = this.replyMarkup(params, true) as TgInlineKeyboardMarkup | undefined;
    if (text === message.text && sameJson(entities, message.entities ?? []) && sameJson(markup, message.reply_markup)) throw badRequest(NOT_MODIFIED);
    // As on the real server, an edit without reply_markup removes the inline keyboard.
    const { entities: _entities, reply_markup: _markup, ...rest } = message;
    const edited: TgMessage = { ...rest, text, ...(entities.length ? { entities } : {}), ...(markup ? { reply_markup: markup } : {}), edit_date: unixTime() };
    this.applyEdit(chat, record, edited, { text: raw, plainText: text, entities, parseMode, replyMarkup: markup });
    return edited;
  }

  private editMessageReplyMarkup(bot: BotState, params: Params): TgMessage {
    const { chat, message, record } = this.editTarget(bot, params);
    const markup = this.replyMarkup(params, true) as TgInlineKeyboardMarkup | undefined;
    if (sameJson(markup, message.reply_markup)) throw badRequest(NOT_MODIFIED);
    const { reply_markup: _markup, ...rest } = message;
    const edited: TgMessage = { ...rest, ...(markup ? { reply_markup: markup } : {}), edit_date: unixTime() };
    this.applyEdit(chat, record, edited, { replyMarkup: markup });
    return edited;
  }

  private deleteMessage(bot: BotState, params: Params): true {
    const raw = params.string('chat_id');
    if (!raw) throw badRequest('chat_id is empty');
    const chat = bot.chats.get(Number(raw));
    if (!chat) throw badRequest('chat not found');
    const id = params.integer('message_id', 'message identifier is not specified');
    if (id === undefined || !chat.messages.delete(id)) throw badRequest('message to delete not found');
    const record = this.sent.find((s) => s.botId === bot.info.id && s.chatId === chat.userId && s.messageId === id);
    if (record) record.deletedAt = new Date();
    this.changed();
    return true;
  }

  private answerCallbackQuery(bot: BotState, params: Params): true {
    const queryId = params.string('callback_query_id') ?? '';
    const query = this.callbackQueries.get(queryId);
    if (!query || query.botId !== bot.info.id || query.answer || Date.now() - query.createdAt > this.callbackQueryTtlMs) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const text = params.string('text') || undefined;
    if (text && text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
    query.answer = { queryId, text, showAlert: params.boolean('show_alert') ?? false, url: params.string('url') || undefined, at: new Date() };
    this.changed();
    return true;
  }

  private getFile(bot: BotState, params: Params): TgFile {
    const file = this.files.get((params.string('file_id') ?? '').trim());
    if (!file || file.botId !== bot.info.id) throw badRequest('invalid file_id');
    if (file.bytes.length > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
    return { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length, file_path: file.filePath };
  }

  private commands(params: Params): TgBotCommand[] {
    const commands = params.json('commands', "can't parse commands JSON object");
    if (!Array.isArray(commands)) throw badRequest('commands must be an Array');
    return commands.map((c: { command?: unknown; description?: unknown }) => {
      const command = typeof c?.command === 'string' ? c.command : '';
      const description = typeof c?.description === 'string' ? c.description : '';
      if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
      if (!description || description.length > 256) throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      return { command, description };
    });
  }

  // -------------------------------------------------------------------------------------------
  // Observing

  messagesTo(chatId: number, botToken?: string): SentMessage[] {
    const botId = botToken === undefined ? undefined : this.bot(botToken).info.id;
    return this.sent.filter((m) => m.chatId === chatId && (botId === undefined || m.botId === botId));
  }

  waitForMessage(chatId: number, predicate: (m: SentMessage) => boolean = () => true, timeoutMs = 5000): Promise<SentMessage> {
    return this.waitFor(
      () => this.messagesTo(chatId).find(predicate),
      timeoutMs,
      () => {
        const seen = this.messagesTo(chatId).map((m) => JSON.stringify(m.plainText.slice(0, 80)));
        return `no matching message to chat ${chatId} within ${timeoutMs} ms; sent ${seen.length}${seen.length ? `: ${seen.join(', ')}` : ''}`;
      },
    );
  }

  calls(botToken: string, method?: string): ApiCall[] {
    const calls = this.bot(botToken).calls;
    return method === undefined ? [...calls] : calls.filter((c) => c.method.toLowerCase() === method.toLowerCase());
  }

  waitForCall(botToken: string, method: string, predicate: (c: ApiCall) => boolean = () => true, timeoutMs = 5000): Promise<ApiCall> {
    return this.waitFor(
      () => this.calls(botToken, method).find(predicate),
      timeoutMs,
      () => `no matching ${method} call within ${timeoutMs} ms; calls: ${this.calls(botToken).map((c) => `${c.method} ${c.status || '…'}`).join(', ') || 'none'}`,
    );
  }

  pendingUpdates(botToken: string): TgUpdate[] {
    return [...this.bot(botToken).queue];
  }

  webhookStatus(botToken: string): WebhookStatus {
    const bot = this.bot(botToken);
    return {
      url: bot.webhook?.url ?? '',
      pending: bot.queue.length,
      delivered: bot.delivered,
      failedAttempts: bot.failedAttempts,
      lastError: bot.lastError?.message,
      lastErrorAt: bot.lastError?.at,
    };
  }

  async waitForIdle(botToken: string, timeoutMs = 5000): Promise<void> {
    const bot = this.bot(botToken);
    await this.waitFor(
      () => (bot.queue.length === 0 ? true : undefined),
      timeoutMs,
      () => `@${bot.info.username} still has ${bot.queue.length} pending update(s) after ${timeoutMs} ms${bot.lastError ? `; last webhook error: ${bot.lastError.message}` : ''}`,
    );
  }

  callbackAnswer(queryId: string): CallbackAnswer | undefined {
    return this.callbackQueries.get(queryId)?.answer;
  }

  waitForCallbackAnswer(queryId: string, timeoutMs = 5000): Promise<CallbackAnswer> {
    return this.waitFor(
      () => this.callbackAnswer(queryId),
      timeoutMs,
      () => `callback query ${queryId} was not answered within ${timeoutMs} ms`,
    );
  }

  private bot(token: string): BotState {
    const bot = this.bots.get(token);
    if (!bot) throw new Error('no bot with this token; create one with createBot()');
    return bot;
  }

  private changed(): void {
    this.events.emit('change');
  }

  /** Resolves with find()'s first defined result, checking now and after every change; rejects with describe() after timeoutMs or on close. */
  private waitFor<T>(find: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off('change', check);
        this.events.off('close', onClose);
      };
      // Checks run a moment after the change, so that whatever caused it has finished (e.g. a
      // call is settled before a waiter for its effect resumes).
      let scheduled = false;
      const check = () => {
        if (scheduled) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          const result = find();
          if (result === undefined || !this.events.listeners('change').includes(check)) return;
          done();
          resolve(result);
        });
      };
      const onClose = () => {
        done();
        reject(new Error(`the Bot API emulator was closed while waiting: ${describe()}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(describe()));
      }, timeoutMs);
      this.events.on('change', check);
      this.events.on('close', onClose);
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.shutdown.abort();
      this.events.emit('close');
      for (const bot of this.bots.values()) bot.poll?.finish([]);
      this.httpAgent.destroy();
      this.httpsAgent.destroy();
      // Held polls now answer with "Connection: close"; cut whatever is still open after a moment.
      const force = setTimeout(() => this.server.closeAllConnections(), 500);
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.server.closeIdleConnections();
    });
    return this.closing;
  }
}

function faultError(fault: { code: number; retryAfter?: number; description?: string }): ApiError {
  if (fault.code === 429) {
    const retryAfter = fault.retryAfter ?? 1;
    return new ApiError(429, fault.description ?? `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
  }
  const defaults: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return new ApiError(fault.code, fault.description ?? defaults[fault.code] ?? http.STATUS_CODES[fault.code] ?? 'Error');
}

/** A message as it appears inside reply_to_message (the server does not nest replies further). */
function withoutReply(message: TgMessage): TgMessage {
  const { reply_to_message: _reply, ...rest } = message;
  return rest;
}

function inlineButton(button: unknown): TgInlineKeyboardButton {
  if (!button || typeof button !== 'object' || typeof (button as { text?: unknown }).text !== 'string') {
    throw badRequest(`can't parse inline keyboard button: Field "text" must be of type String`);
  }
  const b = button as TgInlineKeyboardButton;
  if (!INLINE_BUTTON_ACTIONS.some((action) => b[action] !== undefined)) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (b.callback_data !== undefined) {
    const size = typeof b.callback_data === 'string' ? Buffer.byteLength(b.callback_data) : 0;
    if (size < 1 || size > 64) throw badRequest('BUTTON_DATA_INVALID');
  }
  if (b.url !== undefined) {
    let ok = typeof b.url === 'string';
    try {
      ok &&= ['http:', 'https:', 'tg:'].includes(new URL(b.url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw badRequest('BUTTON_URL_INVALID');
  }
  return b;
}

function keyboardButton(button: unknown): TgKeyboardButton {
  if (typeof button === 'string') return { text: button };
  if (!button || typeof button !== 'object' || typeof (button as { text?: unknown }).text !== 'string') {
    throw badRequest(`can't parse keyboard button: Field "text" must be of type String`);
  }
  return button as TgKeyboardButton;
}

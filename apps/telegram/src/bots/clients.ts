import { Inject, Injectable } from '@nestjs/common';
import { Telegram } from 'telegraf';
import { TELEGRAM_CONFIG, type TelegramConfig } from '../config.js';

/** One telegraf Bot API client per token, pointed at TELEGRAM_API_ROOT. */
@Injectable()
export class BotClients {
  private readonly clients = new Map<string, Telegram>();

  constructor(@Inject(TELEGRAM_CONFIG) private readonly config: TelegramConfig) {}

  for(token: string): Telegram {
    let client = this.clients.get(token);
    if (!client) {
      client = new Telegram(token, { apiRoot: this.config.TELEGRAM_API_ROOT });
      this.clients.set(token, client);
    }
    return client;
  }

  /** A download link for a file (it embeds the token: never log it). */
  async fileUrl(token: string, fileId: string): Promise<{ url: URL; size: number | undefined; path: string | undefined }> {
    const client = this.for(token);
    const file = await client.getFile(fileId);
    return { url: await client.getFileLink(file), size: file.file_size, path: file.file_path };
  }
}

/** What the Bot API said when a call failed (telegraf's TelegramError), or undefined for network trouble. */
export interface ApiFailure {
  code: number;
  description: string;
  retryAfter?: number;
}

export function apiFailure(err: unknown): ApiFailure | undefined {
  const e = err as { response?: { error_code?: unknown; description?: unknown; parameters?: { retry_after?: unknown } } };
  if (typeof e?.response?.error_code !== 'number') return undefined;
  const retryAfter = e.response.parameters?.retry_after;
  return {
    code: e.response.error_code,
    description: typeof e.response.description === 'string' ? e.response.description : '',
    ...(typeof retryAfter === 'number' ? { retryAfter } : {}),
  };
}

/** An error message without the bot token (telegraf puts request URLs into network errors). */
export function safeMessage(err: unknown): string {
  return String((err as Error)?.message ?? err).replace(/bot\d+:[A-Za-z0-9_-]+/g, 'bot<token>');
}

import type { MailboxImapAuth, MailboxSmtpSecurity } from '@switchboard/db';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';

/** The outcome of one login attempt; `error` is the server's or the network's own words. */
export interface ProbeResult {
  ok: boolean;
  error?: string;
}

export interface ImapProbeSettings {
  host: string;
  port: number;
  tls: boolean;
  user: string;
  auth: MailboxImapAuth;
  secret: string;
  folder: string;
}

export interface SmtpProbeSettings {
  host: string;
  port: number;
  security: MailboxSmtpSecurity;
  /** Null: the server is not logged in to; the probe stops after EHLO. */
  user: string | null;
  /** The same method as IMAP: a password, or an OAuth 2 access token. */
  auth: MailboxImapAuth;
  secret: string | null;
}

export const PROBE_TIMEOUT_MS = 10_000;

class ProbeTimeout extends Error {}

/** Rejects with ProbeTimeout after `ms`, calling `abort` to drop the connection. */
async function withTimeout<T>(work: Promise<T>, ms: number, abort: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort();
      reject(new ProbeTimeout(`no answer within ${Math.round(ms / 1000)} s`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An IMAP error in the server's words: `AUTHENTICATIONFAILED Authentication failed.` for a
 * refused login (the response code and text), else the error's message, e.g.
 * `connect ECONNREFUSED 127.0.0.1:1` from the network.
 */
export function imapErrorText(err: unknown): string {
  const e = err as { serverResponseCode?: unknown; responseText?: unknown; message?: unknown };
  if (typeof e?.responseText === 'string' && e.responseText) {
    return typeof e.serverResponseCode === 'string' && e.serverResponseCode ? `${e.serverResponseCode} ${e.responseText}` : e.responseText;
  }
  return errorMessage(err);
}

/** An error's message; errors from another realm (a test's VM context) are not `instanceof Error`. */
function errorMessage(err: unknown): string {
  const message = (err as { message?: unknown })?.message;
  return typeof message === 'string' && message ? message : String(err);
}

/** Connects, logs in, opens the folder read-only and logs out. Never throws. */
export async function probeImap(s: ImapProbeSettings, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const client = new ImapFlow({
    host: s.host,
    port: s.port,
    secure: s.tls,
    auth: s.auth === 'xoauth2' ? { user: s.user, accessToken: s.secret } : { user: s.user, pass: s.secret },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  // A socket error after a command failed is emitted as an event; unheard, it would end the process.
  client.on('error', () => undefined);
  try {
    await withTimeout(
      (async () => {
        await client.connect();
        await client.mailboxOpen(s.folder, { readOnly: true });
        await client.logout();
      })(),
      timeoutMs,
      () => client.close(),
    );
    return { ok: true };
  } catch (err) {
    client.close();
    return { ok: false, error: imapErrorText(err) };
  }
}

/** Connects, says EHLO, upgrades to TLS as configured and logs in (when there is a user). Never throws. */
export async function probeSmtp(s: SmtpProbeSettings, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const transport = createTransport({
    host: s.host,
    port: s.port,
    secure: s.security === 'tls',
    requireTLS: s.security === 'starttls',
    ignoreTLS: s.security === 'none',
    auth: s.user
      ? s.auth === 'xoauth2'
        ? { type: 'OAuth2', user: s.user, accessToken: s.secret ?? '' }
        : { user: s.user, pass: s.secret ?? '' }
      : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await withTimeout(transport.verify(), timeoutMs, () => transport.close());
    return { ok: true };
  } catch (err) {
    return { ok: false, error: errorMessage(err) };
  } finally {
    transport.close();
  }
}

/**
 * An SMTP server for tests that accepts and records every message (smtp-server on 127.0.0.1, a
 * free port), with optional AUTH and fault injection:
 *
 *   const sink = await startSmtpSink();
 *   ... send through { ...sink.transportOptions(), pool: true } ...
 *   const mail = await sink.waitFor((m) => m.to.includes('customer@example.org'));
 *   expect(mail.parsed.subject).toBe('Re: Printer on fire');
 *   sink.failNext(1, 451, 'try again later');   // next RCPT TO gets 451
 *   sink.dropNextConnection();                  // next message: connection cut instead of "250 OK"
 *   sink.acceptWith((m) => 'Ok 0100018c…-000000'); // the text of the 250 reply to DATA, per message
 *   await sink.close();
 *
 * Plain SMTP only: STARTTLS is off (smtp-server's built-in certificate has expired), so clients
 * must not insist on TLS (nodemailer: `ignoreTLS: true`, which transportOptions() sets).
 */
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface SinkMessage {
  /** MAIL FROM ('' for the null sender). */
  from: string;
  /** RCPT TO addresses that were accepted, in order. */
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
  /** The AUTH user, if the client authenticated. */
  user: string | undefined;
  /** smtp-server's id of the connection the message came over (same id = same pooled connection). */
  connectionId: string;
  receivedAt: Date;
}

/** Where an injected fault hits: the MAIL FROM, RCPT TO or DATA command (the reply to the message). */
export type SmtpStage = 'mail' | 'rcpt' | 'data';

export interface SmtpSinkOptions {
  /** Require AUTH PLAIN/LOGIN with exactly these credentials. Without it AUTH is optional and any credentials pass. */
  auth?: { user: string; pass: string };
  /** Largest message accepted (SIZE), in bytes. */
  size?: number;
}

export interface RunningSink {
  host: '127.0.0.1';
  port: number;
  /** Everything received so far, oldest first (clear() empties it). */
  readonly messages: SinkMessage[];
  /** nodemailer SMTP transport options for this sink (no TLS; the AUTH credentials if set). */
  transportOptions(): { host: string; port: number; secure: false; ignoreTLS: true; auth?: { user: string; pass: string } };
  /** Resolves with the first received message (already there or still to come) that matches. */
  waitFor(predicate?: (m: SinkMessage) => boolean, timeoutMs?: number): Promise<SinkMessage>;
  clear(): void;
  /**
   * The next `n` MAIL FROM / RCPT TO / DATA commands (stage, default 'rcpt') are answered with
   * `code` (4xx transient, 5xx permanent). nodemailer reports a failed RCPT (when no recipient is
   * left) as code 'EENVELOPE', a failed DATA as 'EMESSAGE', with `responseCode` = `code`.
   */
  failNext(n: number, code: number, message?: string, stage?: SmtpStage): void;
  /**
   * The next `count` (default 1) connections that reach `stage` are cut without a reply:
   * 'data' (default: after the whole message arrived, so the sender cannot know whether it was
   * delivered; it is not recorded), 'connect' (before the greeting; new connections only), 'mail'
   * or 'rcpt'. nodemailer reports a cut connection as code 'ECONNECTION'. NB: a pooled nodemailer
   * transport sometimes resends a message whose connection closed before DATA on a new connection
   * by itself (when the close beats the error; up to `maxRequeues` times), so with a pool only a
   * 'data' drop fails sendMail every time.
   */
  dropNextConnection(stage?: 'connect' | SmtpStage, count?: number): void;
  /**
   * The text after "250 " in the reply to each accepted message (default `Queued as <n>`), as a
   * relay that rewrites Message-IDs answers with its own id; undefined restores the default.
   */
  acceptWith(reply: ((m: SinkMessage) => string) | undefined): void;
  /** Number of connections opened so far. */
  readonly connections: number;
  /** Stops listening and cuts any open (e.g. pooled) connections. Safe to call more than once. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<RunningSink> {
  const messages: SinkMessage[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const faults: Array<{ stage: SmtpStage; code: number; message: string }> = [];
  const drops: Array<'connect' | SmtpStage> = [];
  let connections = 0;
  let acceptReply: ((m: SinkMessage) => string) | undefined;

  /** Removes and returns the first pending fault/drop for this stage. */
  const take = <T>(list: T[], match: (item: T) => boolean): T | undefined => {
    const i = list.findIndex(match);
    return i === -1 ? undefined : list.splice(i, 1)[0];
  };
  const socketOf = (session: SMTPServerSession): net.Socket | undefined => {
    for (const connection of server.connections) if (connection.id === session.id) return connection._socket;
    return undefined;
  };
  /** Handles injected faults for a command; returns true if the connection was dropped. */
  const inject = (stage: SmtpStage, session: SMTPServerSession, callback: (err?: Error | null) => void): boolean => {
    if (take(drops, (d) => d === stage)) {
      socketOf(session)?.destroy();
      return true;
    }
    const fault = take(faults, (f) => f.stage === stage);
    if (fault) {
      callback(smtpError(fault.code, fault.message));
      return true;
    }
    return false;
  };

  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    size: options.size,
    closeTimeout: 100,
    disableReverseLookup: true,
    onConnect(session, callback) {
      connections++;
      if (take(drops, (d) => d === 'connect')) {
        socketOf(session)?.destroy();
        return;
      }
      callback();
    },
    onAuth(auth, _session, callback) {
      const ok = !options.auth || (auth.username === options.auth.user && auth.password === options.auth.pass);
      if (!ok) return callback(smtpError(535, 'Authentication credentials invalid'));
      callback(null, { user: auth.username });
    },
    onMailFrom(_address, session, callback) {
      if (!inject('mail', session, callback)) callback();
    },
    onRcptTo(_address, session, callback) {
      if (!inject('rcpt', session, callback)) callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, 'Message exceeds the size limit'));
        if (inject('data', session, callback)) return;
        const raw = Buffer.concat(chunks);
        const { mailFrom, rcptTo } = session.envelope;
        simpleParser(raw).then(
          (parsed) => {
            const message: SinkMessage = {
              from: mailFrom ? mailFrom.address : '',
              to: rcptTo.map((r) => r.address),
              raw,
              parsed,
              user: typeof session.user === 'string' ? session.user : undefined,
              connectionId: session.id,
              receivedAt: new Date(),
            };
            messages.push(message);
            callback(null, acceptReply ? acceptReply(message) : `Queued as ${messages.length}`);
            events.emit('message', message);
          },
          (err: Error) => callback(smtpError(554, `unparseable message: ${err.message}`)),
        );
      });
    },
  });
  // Dropped connections make smtp-server emit 'error' (ECONNRESET and the like); that is the point.
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const { port } = server.server.address() as net.AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    host: HOST,
    port,
    messages,
    get connections() {
      return connections;
    },
    acceptWith(reply) {
      acceptReply = reply;
    },
    transportOptions: () => ({ host: HOST, port, secure: false, ignoreTLS: true, ...(options.auth ? { auth: { ...options.auth } } : {}) }),

    waitFor(predicate = () => true, timeoutMs = 5000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const onMessage = (m: SinkMessage) => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          events.off('message', onMessage);
          resolve(m);
        };
        const timer = setTimeout(() => {
          events.off('message', onMessage);
          const seen = messages.map((m) => `${m.to.join(',')}: ${m.parsed.subject ?? '(no subject)'}`);
          reject(new Error(`no matching mail within ${timeoutMs} ms; received ${messages.length}${seen.length ? `: ${seen.join('; ')}` : ''}`));
        }, timeoutMs);
        events.on('message', onMessage);
      });
    },

    clear() {
      messages.length = 0;
    },

    failNext(n, code, message, stage = 'rcpt') {
      if (!(code >= 400 && code < 600)) throw new Error(`failNext needs a 4xx or 5xx code, got ${code}`);
      const text = message ?? (code < 500 ? 'Temporary failure, try again later' : 'Rejected');
      for (let i = 0; i < n; i++) faults.push({ stage, code, message: text });
    },

    dropNextConnection(stage = 'data', count = 1) {
      for (let i = 0; i < count; i++) drops.push(stage);
    },

    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Pooled clients keep connections open; don't wait for them.
        for (const connection of server.connections) connection._socket.destroy();
      })),
  };
}

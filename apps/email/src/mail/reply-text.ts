import EmailReplyParser from 'email-reply-parser';
import { isForwardSubject, textAboveSeparator } from './markers.js';

/**
 * The new text of a customer's reply: what they typed above our separator line when it is there,
 * otherwise the text with quoted history and signature removed by email-reply-parser. A few
 * patterns that library does not know (Russian attributions, Outlook header blocks without an
 * address or with bold labels) cut the text before it runs. A forwarded mail is kept whole: what
 * was forwarded is the request.
 */

export type ReplyMethod = 'separator' | 'quote-stripping' | 'none';

export interface ExtractedReply {
  /** The new text, never empty when the mail had text. */
  reply: string;
  /** The whole text, line endings normalised. */
  full: string;
  method: ReplyMethod;
}

/**
 * email-reply-parser's expressions backtrack quadratically on long lines (a 100 000-character line
 * takes seconds). No quote header or signature line is that long, so longer lines are swapped for
 * placeholders while the library runs and put back afterwards.
 */
const MAX_LINE_FOR_LIBRARY = 400;
const PLACEHOLDER_RE = /\uE000(\d+)\uE001/g;

/** Lines that start quoted history, in languages and layouts email-reply-parser misses. */
const EXTRA_QUOTE_HEADERS: RegExp[] = [
  // "3 марта 2025 г., в 10:00, Support <help@example.com> пишет:", "… написал(а):"
  /^.{0,300}\s(?:пишет|написал(?:\(а\)|а)?|пише|написав(?:\(ла\))?)\s*:\s*$/iu,
  // "-----Исходное сообщение-----", "-----Original Message-----"
  /^\s*-{2,}\s*(?:Исходное сообщение|Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht)\s*-{2,}\s*$/iu,
];

/** The line a client puts above a forwarded mail (Gmail, Thunderbird, Apple Mail, Outlook on the web). */
const FORWARD_HEADER_RE =
  /^[ \t]*(?:-{2,}[ \t]*(?:Forwarded message|Weitergeleitete Nachricht|Пересылаемое сообщение|Message transféré|Mensaje reenviado|Messaggio inoltrato|Doorgestuurd bericht)[ \t]*-{2,}[ \t]*\n[ \t]*(?:From|Von|От|De|Da|Van)[ \t]*:|Begin forwarded message:|Anfang der weitergeleiteten Nachricht:|Début du message réexpédié :?)/imu;

/** Outlook's header block: a From line followed within a few lines by a Sent/Date line. */
const FROM_LINE_RE = /^\s*[*_]?(?:From|Von|De|От|Da|Van|Från|Fra|Od|Kimden|Lähettäjä)\s*:[*_]?\s*\S/iu;
const SENT_LINE_RE =
  /^\s*[*_]?(?:Sent|Date|Gesendet|Datum|Envoyé|Отправлено|Дата|Enviado|Enviada|Inviato|Verzonden|Skickat|Sendt|Wysłano|Gönderildi|Lähetetty|Data)\s*:[*_]?\s*\S/iu;

function cutAtExtraQuoteHeader(text: string): string {
  const lines = text.split('\n');
  let contentSeen = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length <= MAX_LINE_FOR_LIBRARY && contentSeen) {
      const outlookBlock = FROM_LINE_RE.test(line) && lines.slice(i + 1, i + 4).some((l) => l.length <= MAX_LINE_FOR_LIBRARY && SENT_LINE_RE.test(l));
      if (outlookBlock || EXTRA_QUOTE_HEADERS.some((re) => re.test(line))) {
        // A ruler line Outlook puts above the block goes with it.
        let end = i;
        while (end > 0 && /^\s*(?:_{5,}|-{5,})?\s*$/.test(lines[end - 1])) end--;
        return lines.slice(0, end).join('\n');
      }
    }
    if (line.trim() && !/^\s*>/.test(line)) contentSeen = true;
  }
  return text;
}

/** Quoted lines between lines of the sender's own text: an answer written inline, kept whole. */
function isInterleaved(text: string): boolean {
  let state: 'start' | 'quote' | 'own-after-quote' = 'start';
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const quoted = /^\s*>/.test(line);
    if (quoted && state === 'own-after-quote') return true;
    if (quoted) state = 'quote';
    else if (state === 'quote') state = 'own-after-quote';
  }
  return false;
}

function stripWithLibrary(text: string): string {
  const long: string[] = [];
  const shielded = text
    .replace(/[\uE000\uE001]/g, '')
    .split('\n')
    .map((line) => {
      if (line.length <= MAX_LINE_FOR_LIBRARY) return line;
      long.push(line);
      return `\uE000${long.length - 1}\uE001`;
    })
    .join('\n');
  const visible = new EmailReplyParser().parseReply(cutAtExtraQuoteHeader(shielded));
  return visible.replace(PLACEHOLDER_RE, (_, i: string) => long[Number(i)] ?? '');
}

const normalize = (text: string) =>
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();

export interface ExtractReplyOptions {
  /** The mail's subject: a forward (`Fwd:`, `WG:`, `TR:` …) is kept whole. */
  subject?: string;
}

/** Whether the text is a forwarded mail rather than a reply: a forward header, or a forward subject. */
function isForward(text: string, subject: string | undefined): boolean {
  return isForwardSubject(subject) || FORWARD_HEADER_RE.test(text.slice(0, 100_000));
}

export function extractReply(text: string | undefined, opts: ExtractReplyOptions = {}): ExtractedReply {
  const full = normalize(text ?? '');
  if (!full) return { reply: '', full, method: 'none' };

  const above = textAboveSeparator(full);
  if (above !== undefined) {
    const own = normalize(above);
    if (own) {
      const stripped = normalize(stripWithLibrary(own));
      return { reply: stripped || own, full, method: 'separator' };
    }
  }

  if (isInterleaved(full) || isForward(full, opts.subject)) return { reply: full, full, method: 'none' };
  const stripped = normalize(stripWithLibrary(full));
  if (!stripped || stripped === full) return { reply: full, full, method: 'none' };
  return { reply: stripped, full, method: 'quote-stripping' };
}

/**
 * Ticket markers in e-mail: the subject marker (`[#123]`, format configurable), the reply
 * separator agents' mails start with, and the body marker that carries the ticket number through
 * a reply whose subject the customer changed.
 */

/** Where the ticket number goes in a subject marker format. */
export const NUMBER_PLACEHOLDER = '{number}';

export const DEFAULT_MARKER_FORMAT = '[#{number}]';

/** The line above which a customer types the reply; everything from it down is our old mail. */
export const REPLY_SEPARATOR = '##- Please type your reply above this line -##';

/** The attribute of the invisible HTML element that carries the ticket number. */
export const BODY_MARKER_ATTRIBUTE = 'data-switchboard-ticket';

/** Ticket numbers are positive integers; more digits than this cannot be one of ours. */
const MAX_NUMBER_DIGITS = 15;

export class InvalidMarkerFormatError extends Error {
  constructor(format: string, why: string) {
    super(`invalid ticket marker format ${JSON.stringify(format)}: ${why}`);
    this.name = 'InvalidMarkerFormatError';
  }
}

function assertTicketNumber(n: number): void {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`ticket number must be a positive integer, got ${n}`);
}

function toTicketNumber(digits: string): number | undefined {
  const n = Number(digits);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The literal text before and after `{number}`; throws on a format without exactly one placeholder. */
function splitFormat(format: string): [string, string] {
  const parts = format.split(NUMBER_PLACEHOLDER);
  if (parts.length !== 2) throw new InvalidMarkerFormatError(format, `needs exactly one ${NUMBER_PLACEHOLDER}`);
  const [prefix, suffix] = parts as [string, string];
  if (!prefix.trim() && !suffix.trim()) throw new InvalidMarkerFormatError(format, 'needs some text around the number');
  if (/\d$/.test(prefix) || /^\d/.test(suffix)) throw new InvalidMarkerFormatError(format, 'digits next to the number are ambiguous');
  if (/[\r\n]/.test(format)) throw new InvalidMarkerFormatError(format, 'must be one line');
  return [prefix, suffix];
}

/** Throws InvalidMarkerFormatError when `format` cannot be used (for validating configuration at start-up). */
export function assertMarkerFormat(format: string): void {
  splitFormat(format);
}

export function formatMarker(format: string, n: number): string {
  assertTicketNumber(n);
  const [prefix, suffix] = splitFormat(format);
  return `${prefix}${n}${suffix}`;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A pattern for a literal part of the format as mail clients mangle it: compared after NFKC
 * (full-width brackets and digits become ASCII), case-insensitive, with any whitespace allowed
 * between a run of letters/digits and punctuation (`[ # 123 ]`, `[Ticket #123]`).
 */
function literalPattern(literal: string): string {
  const tokens = literal.normalize('NFKC').match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? [];
  return tokens.map(escapeRegExp).join('\\s*');
}

const patternCache = new Map<string, RegExp>();

function markerPattern(format: string): RegExp {
  let re = patternCache.get(format);
  if (!re) {
    const [prefix, suffix] = splitFormat(format);
    const before = literalPattern(prefix);
    const after = literalPattern(suffix);
    // A word-like literal must not run into a longer word ("xTicket#1"), the number not into more digits.
    const lead = /^[\p{L}\p{N}_]/u.test(prefix.trim()) ? '(?<![\\p{L}\\p{N}_])' : '';
    re = new RegExp(`${lead}${before}\\s*(?<![\\d])(\\d{1,${MAX_NUMBER_DIGITS}})(?!\\d)\\s*${after}`, 'giu');
    if (patternCache.size > 100) patternCache.clear();
    patternCache.set(format, re);
  }
  re.lastIndex = 0;
  return re;
}

/** NFKC also turns full-width digits and brackets (`［＃１２３］`) into ASCII. */
const normalizeForSearch = (s: string) => s.normalize('NFKC');

/**
 * The ticket number of the first subject marker of `format` in `subject`, wherever the clients
 * put it behind their `Re:`/`AW:`/`Ответ:` prefixes, and with spaces or full-width characters
 * they added.
 */
export function findSubjectMarker(format: string, subject: string | undefined): number | undefined {
  if (!subject) return undefined;
  const re = markerPattern(format);
  for (const m of normalizeForSearch(subject.slice(0, 2000)).matchAll(re)) {
    const n = toTicketNumber(m[1]);
    if (n !== undefined) return n;
  }
  return undefined;
}

/**
 * Reply and forward prefixes of common clients and languages: Re, AW (de), SV (sv/da/no), Antw
 * (nl), VS (fi), Odp (pl), YNT (tr), R/RIF (it), Ответ/Отв (ru), 回复/答复 (zh), 返信 (ja); Fwd, FW, WG (de),
 * TR (fr), RV (es), ENC (pt), Doorst (nl), Пересл (ru), 转发 (zh), 転送 (ja). With an optional
 * counter (`Re[2]:`, `Re(3):`) and a space before the colon (`RE :`).
 */
const REPLY_PREFIX = 're|aw|sv|antw|antwort|vs|odp|ynt|atb|rif|res|r|ответ|отв|回复|答复|返信';
const FORWARD_PREFIX = 'fwd|fw|wg|tr|rv|enc|doorst|пересл|переслано|转发|転送';
const PREFIX_RE = new RegExp(`^\\s*(${REPLY_PREFIX}|${FORWARD_PREFIX})\\s*(?:\\[\\d+\\]|\\(\\d+\\))?\\s*[:：]\\s*`, 'iu');
const REPLY_PREFIX_RE = new RegExp(`^(?:${REPLY_PREFIX})$`, 'iu');

/** Whether the subject's first prefix is a forward one (`Fwd: Re: …` is a forward, `Re: Fwd: …` a reply). */
export function isForwardSubject(subject: string | undefined): boolean {
  const m = subject ? PREFIX_RE.exec(subject) : null;
  return m !== null && !REPLY_PREFIX_RE.test(m[1]);
}

/** `subject` without its leading chain of reply/forward prefixes; `replied` says whether a reply prefix was among them. */
export function stripSubjectPrefixes(subject: string): { rest: string; replied: boolean } {
  let rest = subject;
  let replied = false;
  for (let i = 0; i < 20; i++) {
    const m = PREFIX_RE.exec(rest);
    if (!m) break;
    if (REPLY_PREFIX_RE.test(m[1])) replied = true;
    rest = rest.slice(m[0].length);
  }
  return { rest: rest.trim(), replied };
}

/**
 * `subject` with the marker for ticket `n`: unchanged when it already carries it; otherwise any
 * marker of another ticket is removed, the chain of `Re:`/`AW:`/`Fwd:` prefixes is collapsed into a
 * single `Re: ` (kept only when there was a reply prefix, or `reply` asks for one) and the marker
 * goes right after it: `Re: AW: Printer` → `Re: [#123] Printer`.
 */
export function addMarker(subject: string | undefined, format: string, n: number, opts: { reply?: boolean } = {}): string {
  const marker = formatMarker(format, n);
  const current = subject?.replace(/[\r\n]+/g, ' ') ?? '';
  const wantsRe = opts.reply === true;
  if (findSubjectMarker(format, current) === n) {
    if (!wantsRe || stripSubjectPrefixes(current).replied) return current.trim();
    return `Re: ${current.trim()}`;
  }
  const { rest, replied } = stripSubjectPrefixes(current);
  // NFKC keeps ASCII as it is, so removing matches from the normalised text is safe for ASCII
  // subjects; for others, removal is only done where normalisation did not change the text.
  const normalized = normalizeForSearch(rest);
  const withoutOld = normalized === rest ? rest.replace(markerPattern(format), ' ') : rest;
  const text = withoutOld.replace(/\s{2,}/g, ' ').trim();
  const head = wantsRe || replied ? 'Re: ' : '';
  return `${head}${marker}${text ? ` ${text}` : ''}`;
}

// --- reply separator and body marker ------------------------------------------------------------

const SEPARATOR_RE = /#{2}-\s*Please\s+type\s+your\s+reply\s+above\s+this\s+line\s*-#{2}/i;
/** The separator, then (on the same line, or the next when a client wrapped it) our `[ref:123]`. */
const SEPARATOR_REF_RE = /#{2}-\s*Please\s+type\s+your\s+reply\s+above\s+this\s+line\s*-#{2}[\s>]{0,40}\[ref:\s*(\d{1,15})\s*\]/i;
/** The same in HTML: tags, entities and quote markers may sit between the separator and the ref. */
const SEPARATOR_REF_HTML_RE =
  /#{2}-\s*Please\s+type\s+your\s+reply\s+above\s+this\s+line\s*-#{2}(?:\s|&nbsp;|&#160;|&gt;|>|<[^<>]{0,300}>){0,40}\[ref:\s*(\d{1,15})\s*\]/i;
const BODY_ATTRIBUTE_RE = /\bdata-switchboard-ticket\s*=\s*(?:"\s*(\d{1,15})\s*"|'\s*(\d{1,15})\s*'|(\d{1,15})\b)/i;

/** The separator line of the plain-text part, carrying the ticket number as `[ref:123]` when given. */
export function separatorText(ticketNumber?: number): string {
  if (ticketNumber === undefined) return REPLY_SEPARATOR;
  assertTicketNumber(ticketNumber);
  return `${REPLY_SEPARATOR} [ref:${ticketNumber}]`;
}

/**
 * The HTML form: the visible separator line (with `[ref:123]`, which survives a client turning the
 * mail into plain text) and an invisible element carrying the number in an attribute.
 */
export function separatorHtml(ticketNumber: number): string {
  assertTicketNumber(ticketNumber);
  return (
    `<div style="color:#9e9e9e;font-size:12px">${REPLY_SEPARATOR} [ref:${ticketNumber}]</div>` +
    bodyMarkerHtml(ticketNumber)
  );
}

/** An invisible element carrying the ticket number (hidden in browsers, Outlook and Gmail alike). */
export function bodyMarkerHtml(ticketNumber: number): string {
  assertTicketNumber(ticketNumber);
  return (
    `<div style="display:none;max-height:0;overflow:hidden;font-size:0;line-height:0;mso-hide:all" ` +
    `${BODY_MARKER_ATTRIBUTE}="${ticketNumber}"></div>`
  );
}

/**
 * The ticket number of our body marker: the hidden element in the (unsanitised) HTML, else the
 * `[ref:123]` after the reply separator in the text or the HTML.
 */
export function findBodyMarker(text: string | undefined, html: string | undefined): number | undefined {
  const fromAttribute = html ? BODY_ATTRIBUTE_RE.exec(html) : null;
  const attr = fromAttribute && toTicketNumber(fromAttribute[1] ?? fromAttribute[2] ?? fromAttribute[3]);
  if (attr) return attr;
  const fromText = text ? SEPARATOR_REF_RE.exec(text) : null;
  const inText = fromText && toTicketNumber(fromText[1]);
  if (inText) return inText;
  const fromHtml = html ? SEPARATOR_REF_HTML_RE.exec(html) : null;
  return (fromHtml && toTicketNumber(fromHtml[1])) || undefined;
}

/**
 * The text above the first line holding the reply separator (quoted or not), trailing blank and
 * bare quote lines dropped; undefined when the text has no separator. What remains may still end
 * with the client's "On … wrote:" line, which reply extraction strips.
 */
export function textAboveSeparator(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const m = SEPARATOR_RE.exec(text);
  if (!m) return undefined;
  const lineStart = text.lastIndexOf('\n', m.index) + 1;
  const lines = text.slice(0, lineStart).replace(/\r\n?/g, '\n').split('\n');
  while (lines.length && /^[\s>]*$/.test(lines[lines.length - 1])) lines.pop();
  return lines.join('\n');
}

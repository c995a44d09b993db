/**
 * `parse_mode: 'HTML'` as the Bot API implements it (the rules of
 * https://core.telegram.org/bots/api#html-style, following the server's parser step by step):
 *
 *   parseHtml('<b>Ticket #42</b> &lt;open&gt;') // { text: 'Ticket #42 <open>', entities: [{ type: 'bold', offset: 0, length: 10 }] }
 *   parseHtml('a < b')                         // throws EntityParseError('Unsupported start tag "" at byte offset 2')
 *
 * - Tags: b, strong, i, em, u, ins, s, strike, del, span class="tg-spoiler", tg-spoiler, a href,
 *   code, pre (with <code class="language-x"> inside for a language), blockquote [expandable],
 *   tg-emoji emoji-id. Anything else, e.g. <br> or <p>, is an error, as is a `<` that opens no tag.
 *   Tag names are case-insensitive in start tags only (the server compares end tags as written).
 * - Entities: &lt; &gt; &amp; &quot; and numeric ones (&#38; &#x26;). Any other `&...` is text.
 * - Tags must nest properly; `</>` closes whatever is open.
 * - Error messages are the server's, with offsets in UTF-8 bytes; the API prefixes them with
 *   "Bad Request: can't parse entities: ".
 * - Entity offsets and lengths count UTF-16 code units. Leading and trailing whitespace is cut
 *   from the text (entities are clipped to match), as the server does for every message.
 */
import type { TgMessageEntity } from './types.js';

export class EntityParseError extends Error {}

const ALLOWED_TAGS = new Set(['a', 'b', 'strong', 'i', 'em', 's', 'strike', 'del', 'u', 'ins', 'tg-spoiler', 'tg-emoji', 'span', 'pre', 'code', 'blockquote']);
const SIMPLE_TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
};
/** Schemes the server accepts in <a href>; a link with any other scheme is dropped silently. */
const LINK_SCHEMES = new Set(['http:', 'https:', 'tg:', 'ton:', 'tonsite:']);

interface OpenTag {
  name: string;
  /** href, language, spoiler class or emoji id, whichever the tag takes. */
  argument: string;
  /** UTF-16 offset in the output where the tag's content starts. */
  offset: number;
  expandable: boolean;
}

/** Text with the markup removed and the entities it described, or an EntityParseError. */
export function parseHtml(html: string): { text: string; entities: TgMessageEntity[] } {
  // The server walks bytes with a NUL after the end; past the end we read '\0' too.
  const at = (i: number) => (i < html.length ? html[i] : '\0');
  const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\v' || c === '\0';
  const bytesBefore = (i: number) => Buffer.byteLength(html.slice(0, i));
  const fail = (message: string): never => {
    throw new EntityParseError(message);
  };

  let text = '';
  const entities: TgMessageEntity[] = [];
  const open: OpenTag[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html[i];
    if (c === '&') {
      const decoded = decodeEntity(html, i);
      if (decoded) {
        text += decoded.char;
        i = decoded.end;
        continue;
      }
    }
    if (c !== '<') {
      text += c;
      i++;
      continue;
    }

    const begin = i++;
    if (at(i) !== '/') {
      // A start tag.
      while (!isSpace(at(i)) && at(i) !== '>') i++;
      if (i >= html.length) fail(`Unclosed start tag at byte offset ${bytesBefore(begin)}`);
      const name = html.slice(begin + 1, i).toLowerCase();
      if (!ALLOWED_TAGS.has(name)) fail(`Unsupported start tag "${name}" at byte offset ${bytesBefore(begin)}`);

      let argument = '';
      let expandable = false;
      while (at(i) !== '>') {
        while (i < html.length && isSpace(at(i))) i++;
        if (at(i) === '>') break;
        const attributeBegin = i;
        while (!isSpace(at(i)) && at(i) !== '=' && at(i) !== '>') i++;
        const attribute = html.slice(attributeBegin, i);
        if (!attribute) fail(`Empty attribute name in the tag "${name}" at byte offset ${bytesBefore(begin)}`);
        while (i < html.length && isSpace(at(i))) i++;
        if (at(i) !== '=') {
          // Only <blockquote expandable> may have an attribute without a value.
          if (name === 'blockquote' && attribute === 'expandable') {
            expandable = true;
            continue;
          }
          fail(`Expected equal sign in declaration of an attribute of the tag "${name}" at byte offset ${bytesBefore(begin)}`);
        }
        i++;
        while (i < html.length && isSpace(at(i))) i++;
        if (i >= html.length) fail(`Unclosed start tag at byte offset ${bytesBefore(begin)}`);

        let value = '';
        const quote = at(i);
        if (quote !== '"' && quote !== "'") {
          // A name token: letters, digits, periods and hyphens, case-insensitive.
          const tokenBegin = i;
          while (/[A-Za-z0-9.-]/.test(at(i))) i++;
          value = html.slice(tokenBegin, i).toLowerCase();
          if (!isSpace(at(i)) && at(i) !== '>') fail(`Unexpected end of name token at byte offset ${bytesBefore(tokenBegin)}`);
        } else {
          i++;
          while (i < html.length && at(i) !== quote) {
            const decoded = at(i) === '&' ? decodeEntity(html, i) : undefined;
            if (decoded) {
              value += decoded.char;
              i = decoded.end;
            } else {
              value += html[i++];
            }
          }
          if (at(i) === quote) i++;
        }
        if (i >= html.length) fail(`Unclosed start tag at byte offset ${bytesBefore(begin)}`);

        if (name === 'a' && attribute === 'href') argument = value;
        else if (name === 'code' && attribute === 'class' && value.startsWith('language-')) argument = value.slice('language-'.length);
        else if (name === 'span' && attribute === 'class' && value.startsWith('tg-')) argument = value.slice('tg-'.length);
        else if (name === 'tg-emoji' && attribute === 'emoji-id') argument = value;
      }
      if (name === 'span' && argument !== 'spoiler') fail(`Tag "span" must have class "tg-spoiler" at byte offset ${bytesBefore(begin)}`);
      open.push({ name, argument, offset: text.length, expandable });
    } else {
      // An end tag.
      const top = open.at(-1);
      if (!top) fail(`Unexpected end tag at byte offset ${bytesBefore(begin)}`);
      while (!isSpace(at(i)) && at(i) !== '>') i++;
      const endName = html.slice(begin + 2, i);
      while (i < html.length && isSpace(at(i))) i++;
      if (at(i) !== '>') fail(`Unclosed end tag at byte offset ${bytesBefore(begin)}`);
      const tag = top as OpenTag;
      if (endName && endName !== tag.name) {
        fail(`Unmatched end tag at byte offset ${bytesBefore(begin)}, expected "</${tag.name}>", found "</${endName}>"`);
      }
      const length = text.length - tag.offset;
      if (length > 0) closeEntity(tag, length, text, entities, open.at(-2));
      open.pop();
    }
    i++; // the '>'
  }
  const unclosed = open.at(-1);
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);

  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return trimText(text, entities);
}

/** Adds the entity a just closed tag stands for (some add none, e.g. a link with a bad URL). */
function closeEntity(tag: OpenTag, length: number, text: string, entities: TgMessageEntity[], parent: OpenTag | undefined): void {
  const offset = tag.offset;
  const simple = SIMPLE_TAGS[tag.name];
  if (simple) {
    entities.push({ type: simple, offset, length });
  } else if (tag.name === 'span') {
    entities.push({ type: 'spoiler', offset, length });
  } else if (tag.name === 'tg-emoji') {
    if (tag.argument) entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: tag.argument });
  } else if (tag.name === 'a') {
    const href = tag.argument || text.slice(offset);
    const mention = /^tg:\/\/user\?id=(\d+)$/i.exec(href);
    if (mention) {
      entities.push({ type: 'text_mention', offset, length, user: { id: Number(mention[1]), is_bot: false, first_name: '' } });
    } else {
      const url = checkLink(href);
      if (url) entities.push({ type: 'text_link', offset, length, url });
    }
  } else if (tag.name === 'code') {
    // <pre><code class="language-x">…</code></pre> becomes one pre entity with a language.
    const inPre = parent?.name === 'pre' && parent.offset === offset;
    entities.push({ type: 'code', offset, length, ...(inPre && tag.argument ? { language: tag.argument } : {}) });
  } else if (tag.name === 'pre') {
    const last = entities.at(-1);
    if (last?.type === 'code' && last.language && last.offset === offset && last.length === length) {
      last.type = 'pre';
    } else {
      entities.push({ type: 'pre', offset, length });
    }
  } else if (tag.name === 'blockquote') {
    entities.push({ type: tag.expandable ? 'expandable_blockquote' : 'blockquote', offset, length });
  }
}

/** The URL a text_link gets (scheme-less links get http://), or undefined if the server would drop it. */
function checkLink(href: string): string | undefined {
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(href) ? href : `http://${href}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (!LINK_SCHEMES.has(url.protocol)) return undefined;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname) return undefined;
  return candidate;
}

/** Decodes the HTML entity at `pos` ('&...'), or undefined if the server leaves it as text. */
function decodeEntity(s: string, pos: number): { char: string; end: number } | undefined {
  let end = pos + 1;
  let code = 0;
  if (s[end] === '#') {
    end++;
    const hex = s[end] === 'x';
    if (hex) end++;
    const digits = hex ? /[0-9a-fA-F]/ : /[0-9]/;
    while (end < s.length && digits.test(s[end])) {
      code = code * (hex ? 16 : 10) + parseInt(s[end++], 16);
      if (code >= 0x10ffff) return undefined;
    }
    if (code === 0 || end - pos >= 10) return undefined;
  } else {
    while (end < s.length && /[A-Za-z]/.test(s[end])) end++;
    const named: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };
    const name = s.slice(pos + 1, end);
    if (!Object.hasOwn(named, name)) return undefined;
    code = named[name];
  }
  if (s[end] === ';') end++;
  return { char: String.fromCodePoint(code), end };
}

/** Cuts leading and trailing whitespace and clips the entities to what is left. */
export function trimText(text: string, entities: TgMessageEntity[]): { text: string; entities: TgMessageEntity[] } {
  const start = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const end = start + trimmed.length;
  const clipped: TgMessageEntity[] = [];
  for (const entity of entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, end);
    if (to > from) clipped.push({ ...entity, offset: from - start, length: to - from });
  }
  return { text: trimmed, entities: clipped };
}

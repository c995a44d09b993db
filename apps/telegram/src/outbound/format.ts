/** Telegram's limit on a message's text, counted after entities are parsed (so `&lt;` is one character). */
export const MESSAGE_LIMIT = 4096;
/** And on a photo's or document's caption. */
export const CAPTION_LIMIT = 1024;

/** Text for `parse_mode: 'HTML'`: the three characters Telegram's HTML parser reads as markup, escaped. */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Splits text into pieces of at most `limit` characters (UTF-16 code units, as Telegram counts),
 * preferring a paragraph break, then a line break, then a space in the last fifth of a piece,
 * and never cutting a surrogate pair (an emoji) in two. Empty text gives no pieces.
 */
export function splitText(text: string, limit = MESSAGE_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = text.replace(/\r\n/g, '\n').trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const floor = Math.floor(limit * 0.8);
    let cut = -1;
    for (const sep of ['\n\n', '\n', ' ']) {
      const at = window.lastIndexOf(sep);
      if (at >= floor) {
        cut = at;
        break;
      }
    }
    if (cut === -1) {
      cut = limit;
      // A high surrogate last would leave its pair for the next piece.
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** Photos Telegram shows inline (sendPhoto: at most 10 MB); anything else goes as a document. */
export function sendsAsPhoto(contentType: string, size: number): boolean {
  return /^image\/(jpeg|png|webp)$/i.test(contentType) && size <= 10 * 1024 * 1024;
}

/**
 * The GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table, as unpacked septets:
 * one octet per septet, as SMPP carries them with data_coding 0x00 (SMSC default alphabet).
 * Extension characters take two septets: the escape 0x1B, then the character's code.
 */

/** The default alphabet, indexed by septet value (0x1B is the escape to the extension table). */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** The extension table: character → septet after the escape. */
const EXTENSION: ReadonlyArray<readonly [string, number]> = [
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
];

export const GSM7_ESCAPE = 0x1b;

const basicCode = new Map<string, number>();
for (let i = 0; i < BASIC.length; i++) if (i !== GSM7_ESCAPE) basicCode.set(BASIC[i], i);
const extensionCode = new Map<string, number>(EXTENSION);
const extensionChar = new Map<number, string>(EXTENSION.map(([char, code]) => [code, char]));

/**
 * How many septets `char` (one UTF-16 code unit or one code point) takes in GSM-7: 1 for the
 * default alphabet, 2 for the extension table, 0 when it is not representable.
 */
export function gsm7Units(char: string): 0 | 1 | 2 {
  if (basicCode.has(char)) return 1;
  if (extensionCode.has(char)) return 2;
  return 0;
}

/** Whether every character of `text` is in the default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (const char of text) if (gsm7Units(char) === 0) return false;
  return true;
}

/** `text` as unpacked septets (one octet each). Throws on a character GSM-7 cannot represent. */
export function encodeGsm7(text: string): Buffer {
  const out: number[] = [];
  for (const char of text) {
    const basic = basicCode.get(char);
    if (basic !== undefined) {
      out.push(basic);
      continue;
    }
    const ext = extensionCode.get(char);
    if (ext === undefined) {
      throw new RangeError(`U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} is not in the GSM 03.38 alphabet`);
    }
    out.push(GSM7_ESCAPE, ext);
  }
  return Buffer.from(out);
}

/**
 * Unpacked septets back to text. As handsets do (TS 23.038 §6.2.1.1), an escape followed by a
 * code the extension table does not define shows the default-alphabet character; a trailing
 * escape is dropped; the high bit of each octet is ignored.
 */
export function decodeGsm7(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const septet = bytes[i] & 0x7f;
    if (septet !== GSM7_ESCAPE) {
      text += BASIC[septet];
      continue;
    }
    if (i + 1 >= bytes.length) break;
    const next = bytes[++i] & 0x7f;
    text += extensionChar.get(next) ?? (next === GSM7_ESCAPE ? ' ' : BASIC[next]);
  }
  return text;
}

/** `text` as UCS-2 / UTF-16 big-endian (what SMPP data_coding 0x08 carries; surrogate pairs kept). */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/** UTF-16 big-endian octets to text (an odd trailing octet is dropped). */
export function decodeUcs2(bytes: Uint8Array): string {
  const even = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return even.swap16().toString('utf16le');
}

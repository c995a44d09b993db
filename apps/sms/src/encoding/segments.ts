/**
 * SMS text encoding and segmentation, as the network counts and carries it.
 *
 * - GSM-7 when every character is in the GSM 03.38 default alphabet or its extension table
 *   (^ { } \ [ ] ~ | € and form feed take 2 units: escape + character); otherwise UCS-2, where a
 *   unit is a UTF-16 code unit (an emoji outside the BMP takes 2).
 * - One SMS holds 160 GSM-7 / 70 UCS-2 units; a concatenated message 153 / 67 per segment (the
 *   rest of the 140 octets is the 6-octet concatenation UDH). An extension pair or a surrogate
 *   pair is never split across segments, so a segment may hold one unit less.
 *
 * EncodedText is plain data (JSON-safe: it travels in queue jobs); segmentPayload() gives the
 * octets SMPP submits for a segment.
 */
import { encodeGsm7, encodeUcs2, gsm7Units } from './gsm7.js';

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface EncodedText {
  encoding: SmsEncoding;
  /** The text of each segment (joined they give the whole text). Empty text: no segments. */
  segments: string[];
  /** Characters counted as the network counts them (GSM-7 extension characters count 2, UCS-2 surrogate pairs 2). */
  units: number;
  /**
   * The concatenation reference (0–255) a multi-part SMPP send puts in its UDH. Absent: the SMPP
   * provider derives one from the message's reference, so a retry of the same message reuses it.
   */
  concatRef?: number;
}

/** Units in a single (unconcatenated) SMS. */
export const SINGLE_SEGMENT_UNITS: Readonly<Record<SmsEncoding, number>> = { gsm7: 160, ucs2: 70 };
/** Units per segment of a concatenated SMS (8-bit reference UDH, 6 octets). */
export const MULTI_SEGMENT_UNITS: Readonly<Record<SmsEncoding, number>> = { gsm7: 153, ucs2: 67 };
/** The most segments a concatenation UDH can number. */
export const MAX_SEGMENTS = 255;

/** SMPP data_coding for each encoding: 0x00 SMSC default alphabet (GSM-7, unpacked), 0x08 UCS-2. */
export const SMPP_DATA_CODING: Readonly<Record<SmsEncoding, 0x00 | 0x08>> = { gsm7: 0x00, ucs2: 0x08 };

export interface EncodeOptions {
  /** Put this concatenation reference (0–255) in the result (see EncodedText.concatRef). */
  concatRef?: number;
}

/** Units of each indivisible piece of `text` (characters; a surrogate pair is one piece). */
function pieces(text: string, encoding: SmsEncoding): Array<{ text: string; units: number }> {
  const out: Array<{ text: string; units: number }> = [];
  // for..of walks code points, so a surrogate pair stays together.
  for (const char of text) out.push({ text: char, units: encoding === 'gsm7' ? gsm7Units(char) : char.length });
  return out;
}

export function encodeText(text: string, options: EncodeOptions = {}): EncodedText {
  if (options.concatRef !== undefined && !(Number.isInteger(options.concatRef) && options.concatRef >= 0 && options.concatRef <= 255)) {
    throw new RangeError(`concatRef must be an integer 0–255, got ${options.concatRef}`);
  }
  let encoding: SmsEncoding = 'gsm7';
  let chars = pieces(text, 'gsm7');
  if (chars.some((c) => c.units === 0)) {
    encoding = 'ucs2';
    chars = pieces(text, 'ucs2');
  }
  const units = chars.reduce((sum, c) => sum + c.units, 0);
  const result: EncodedText = { encoding, segments: [], units };
  if (options.concatRef !== undefined) result.concatRef = options.concatRef;
  if (units === 0) return result;
  if (units <= SINGLE_SEGMENT_UNITS[encoding]) {
    result.segments = [text];
    return result;
  }
  const limit = MULTI_SEGMENT_UNITS[encoding];
  let current = '';
  let currentUnits = 0;
  for (const c of chars) {
    if (currentUnits + c.units > limit) {
      result.segments.push(current);
      current = '';
      currentUnits = 0;
    }
    current += c.text;
    currentUnits += c.units;
  }
  result.segments.push(current);
  return result;
}

/**
 * The octets SMPP carries for segment `index` (without UDH): GSM-7 as unpacked septets for
 * data_coding 0x00 (extension characters as 0x1B + code), UCS-2 as UTF-16BE for data_coding 0x08.
 */
export function segmentPayload(encoded: Pick<EncodedText, 'encoding' | 'segments'>, index: number): Buffer {
  const segment = encoded.segments[index];
  if (segment === undefined) throw new RangeError(`no segment ${index} (of ${encoded.segments.length})`);
  return encoded.encoding === 'gsm7' ? encodeGsm7(segment) : encodeUcs2(segment);
}

/** segmentPayload() for every segment, in order. */
export function segmentPayloads(encoded: Pick<EncodedText, 'encoding' | 'segments'>): Buffer[] {
  return encoded.segments.map((_, i) => segmentPayload(encoded, i));
}

/** The concatenation UDH for part `seq` (1-based) of `total`: [0x05, 0x00, 0x03, ref, total, seq]. */
export function concatUdh(ref: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, seq]);
}

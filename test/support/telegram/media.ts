/**
 * File helpers for the Bot API emulator (bot-api-emulator.ts): MIME types the way the Bot API
 * reports them, image dimensions read from the file header, and a generator for small valid PNGs
 * that tests can send as photos:
 *
 *   const png = samplePng(640, 480);       // a real 640×480 PNG, a few hundred bytes
 *   imageSize(png);                        // { width: 640, height: 480, type: 'image/png' }
 *   mimeTypeFor('report.pdf', undefined);  // 'application/pdf'
 */
import { crc32, deflateSync } from 'node:zlib';

const MIME_BY_EXTENSION: Record<string, string> = {
  '7z': 'application/x-7z-compressed',
  bmp: 'image/bmp',
  csv: 'text/csv',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  eml: 'message/rfc822',
  gif: 'image/gif',
  gz: 'application/gzip',
  heic: 'image/heic',
  htm: 'text/html',
  html: 'text/html',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  json: 'application/json',
  log: 'text/plain',
  m4a: 'audio/mp4',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  oga: 'audio/ogg',
  ogg: 'audio/ogg',
  pdf: 'application/pdf',
  png: 'image/png',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  rar: 'application/x-rar-compressed',
  svg: 'image/svg+xml',
  tgs: 'application/x-tgsticker',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  txt: 'text/plain',
  webm: 'video/webm',
  webp: 'image/webp',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xml: 'application/xml',
  zip: 'application/zip',
};

/** The file name's extension, lower-cased, without the dot ('' if none). */
export function extensionOf(fileName: string | undefined): string {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(fileName ?? '');
  return match ? match[1].toLowerCase() : '';
}

/**
 * The mime_type the Bot API reports for an uploaded file: by the file name's extension (the
 * server ignores the part's Content-Type for known extensions), else by the bytes for images,
 * else the part's Content-Type unless it is a default (busboy reports `text/plain` for a part
 * without one, which is how telegraf uploads), else application/octet-stream.
 */
export function mimeTypeFor(fileName: string | undefined, declared: string | undefined, bytes?: Buffer): string {
  const byExtension = MIME_BY_EXTENSION[extensionOf(fileName)];
  if (byExtension) return byExtension;
  const sniffed = bytes ? imageSize(bytes)?.type : undefined;
  if (sniffed) return sniffed;
  if (declared && declared !== 'text/plain' && declared !== 'application/octet-stream') return declared;
  return 'application/octet-stream';
}

/** The extension a stored file gets in its file_path, from its name or MIME type. */
export function extensionFor(fileName: string | undefined, mimeType: string | undefined, fallback: string): string {
  const own = extensionOf(fileName);
  if (own) return own;
  const known = Object.entries(MIME_BY_EXTENSION).find(([, type]) => type === mimeType);
  return known ? known[0] : fallback;
}

export interface ImageSize {
  width: number;
  height: number;
  type: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/bmp';
}

/** Dimensions and type of a PNG, JPEG, GIF, WebP or BMP image, or undefined for anything else. */
export function imageSize(bytes: Buffer): ImageSize | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), type: 'image/png' };
  }
  if (bytes.length >= 10 && bytes.toString('latin1', 0, 3) === 'GIF') {
    return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8), type: 'image/gif' };
  }
  if (bytes.length >= 26 && bytes.toString('latin1', 0, 2) === 'BM') {
    return { width: bytes.readInt32LE(18), height: Math.abs(bytes.readInt32LE(22)), type: 'image/bmp' };
  }
  if (bytes.length >= 30 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = bytes.toString('latin1', 12, 16);
    if (chunk === 'VP8X') return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1, type: 'image/webp' };
    if (chunk === 'VP8L') {
      const bits = bytes.readUInt32LE(21);
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1, type: 'image/webp' };
    }
    if (chunk === 'VP8 ') return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff, type: 'image/webp' };
    return undefined;
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    // Walk the JPEG segments to the first start-of-frame marker (C0–CF except C4, C8, CC).
    let pos = 2;
    while (pos + 9 < bytes.length && bytes[pos] === 0xff) {
      const marker = bytes[pos + 1];
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: bytes.readUInt16BE(pos + 7), height: bytes.readUInt16BE(pos + 5), type: 'image/jpeg' };
      }
      pos += 2 + bytes.readUInt16BE(pos + 2);
    }
    return undefined;
  }
  return undefined;
}

/** A valid PNG of the given size (a grey gradient), for tests that send or receive photos. */
export function samplePng(width = 64, height = 48): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  const raw = Buffer.alloc(row.length * height);
  // Each row: filter type 0 (none), then RGB pixels getting lighter from left to right.
  for (let x = 0; x < width; x++) row.fill(Math.round((x * 255) / Math.max(1, width - 1)), 1 + x * 3, 4 + x * 3);
  for (let y = 0; y < height; y++) row.copy(raw, y * row.length);
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

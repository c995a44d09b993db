import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Headers, HttpCode, Inject, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainException, ErrorCode, notFound, ZodPipe } from '@switchboard/common';
import { AttachmentTooLarge, openAttachment, storeAttachment } from '@switchboard/db';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { UuidPipe } from '../common/uuid-param.pipe.js';
import { CORE_CONFIG, type CoreConfig } from '../config.js';

/** Types a browser would render or run inline; always served as downloads. */
const ACTIVE_TYPES = /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|application\/javascript|text\/javascript)/i;

const uploadQuery = z.object({ filename: z.string().trim().min(1).max(255) }).strict();

@ApiTags('attachments')
@ApiBearerAuth()
@Controller('attachments')
export class AttachmentsController {
  private readonly logger = new Logger(AttachmentsController.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'Download an attachment (with its content type and file name)' })
  async download(@Param('id', UuidPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const a = await openAttachment(this.ds, id);
    if (!a) throw notFound('attachment', id);
    const active = ACTIVE_TYPES.test(a.contentType);
    const inline = !active && /^(image|audio|video)\/|^application\/pdf$|^text\/plain/i.test(a.contentType);
    res.setHeader('Content-Type', active ? 'application/octet-stream' : a.contentType);
    res.setHeader('Content-Length', String(a.size));
    res.setHeader('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${asciiFallback(a.filename)}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('ETag', `"${a.sha256}"`);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // Chunk by chunk as the client takes them (a chunk or two in memory); a client that goes
    // away stops the reading. Past the headers an error can only cut the response short.
    try {
      await pipeline(Readable.from(a.chunks(), { objectMode: false, highWaterMark: 1 }), res);
    } catch (err) {
      // The response closed before the end: the client went away (or timed out).
      if ((err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.debug({ attachment: id }, 'attachment download abandoned by the client');
        return;
      }
      this.logger.error({ attachment: id, err: (err as Error).message }, 'attachment download cut short');
    }
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Upload a file for a reply: the raw bytes as the body, ?filename=, the Content-Type header',
    description: 'Returns the attachment id to pass in attachmentIds when posting a message. 413 over ATTACHMENT_MAX_BYTES.',
  })
  async upload(
    @Query(new ZodPipe(uploadQuery, 'query')) q: { filename: string },
    @Headers('content-type') contentType: string | undefined,
    @Req() req: Request,
  ) {
    const content = await readBody(req, this.config.ATTACHMENT_MAX_BYTES, q.filename);
    if (content.length === 0) throw new DomainException(ErrorCode.ValidationFailed, 'the file is empty', 400);
    try {
      const id = await storeAttachment(this.ds, { filename: q.filename, contentType: contentType ?? 'application/octet-stream', content }, this.config.ATTACHMENT_MAX_BYTES);
      return { id, filename: q.filename, size: content.length, url: `/api/v1/attachments/${id}` };
    } catch (err) {
      if (err instanceof AttachmentTooLarge) throw new DomainException(ErrorCode.PayloadTooLarge, err.message, 413);
      throw err;
    }
  }
}

function asciiFallback(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
}

/** Reads the raw body, stopping (413) as soon as it passes the limit instead of buffering it all. */
function readBody(req: Request, limit: number, filename: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const tooLarge = (size: number) => new DomainException(ErrorCode.PayloadTooLarge, `file "${filename}" is ${size} bytes or more; the limit is ${limit} bytes`, 413);
    if (declared > limit) {
      req.resume();
      reject(tooLarge(declared));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(size));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

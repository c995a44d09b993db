import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainException, ErrorCode, notFound, ZodPipe } from '@switchboard/common';
import { AttachmentTooLarge, storeAttachment } from '@switchboard/db';
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
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'Download an attachment (with its content type and file name)' })
  async download(@Param('id', UuidPipe) id: string, @Res() res: Response): Promise<void> {
    const [a] = await this.ds.query<{ filename: string; content_type: string; size: number; sha256: string; content: Buffer }[]>(
      `SELECT a.filename, a.content_type, a.size, a.sha256, b.content FROM attachments a JOIN attachment_blobs b ON b.attachment_id = a.id WHERE a.id = $1`,
      [id],
    );
    if (!a) throw notFound('attachment', id);
    const active = ACTIVE_TYPES.test(a.content_type);
    const inline = !active && /^(image|audio|video)\/|^application\/pdf$|^text\/plain/i.test(a.content_type);
    res.setHeader('Content-Type', active ? 'application/octet-stream' : a.content_type);
    res.setHeader('Content-Length', String(a.content.length));
    res.setHeader('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${asciiFallback(a.filename)}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('ETag', `"${a.sha256}"`);
    res.end(a.content);
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

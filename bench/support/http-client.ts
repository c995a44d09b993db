/**
 * A small HTTP/1.1 client for the benchmark's load: node:http with a keep-alive agent, so that
 * connections are reused as a browser would reuse them, and less CPU per request than fetch
 * (the client shares the machine with what it measures). 127.0.0.1 only.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { BenchFile } from './submissions.js';

export interface HttpAnswer {
  status: number;
  body: string;
}

export class HttpClient {
  private readonly agent: http.Agent;

  /** `maxSockets`: connections at most; more requests than that wait in the agent (and their wait is measured). */
  constructor(
    private readonly port: number,
    maxSockets: number,
    private readonly timeoutMs = 60_000,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  }

  request(method: string, path: string, headers: http.OutgoingHttpHeaders, body?: string | Buffer): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method, path, agent: this.agent, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${this.timeoutMs} ms`)));
      req.on('error', (err) => reject(new Error(`${method} ${path}: ${err.message}`)));
      req.end(body);
    });
  }

  /** Open connections (busy and idle), for the report. */
  sockets(): number {
    const count = (m: NodeJS.ReadOnlyDict<unknown[]>) => Object.values(m).reduce((n, list) => n + (list?.length ?? 0), 0);
    return count(this.agent.sockets) + count(this.agent.freeSockets);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A multipart/form-data body as the widget sends one with files: the JSON in `payload`, files as `files`. */
export function multipartBody(payload: string, files: BenchFile[]): { contentType: string; body: Buffer } {
  const boundary = `----sbbench${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n${payload}\r\n`, 'utf8'),
  ];
  for (const f of files) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.filename}"\r\nContent-Type: ${f.contentType}\r\n\r\n`, 'utf8'),
      f.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

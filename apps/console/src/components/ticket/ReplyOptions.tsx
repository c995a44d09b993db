import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, client } from '../../api/client';
import { ApiError } from '../../lib/api-error';
import type { ReplyChannel } from './ticket-helpers';

export const replyApi = {
  send: (ticketId: string, body: { body: string; visibility: 'public' | 'internal'; channel?: ReplyChannel; attachmentIds?: string[] }) =>
    call<unknown>('/api/v1/tickets/{id}/messages', () => client.POST('/api/v1/tickets/{id}/messages', { params: { path: { id: ticketId } }, body })),
  /** `POST /attachments?filename=` with the file's raw bytes (core's document describes no body for it). */
  upload: (file: File) =>
    call<{ id: string; filename: string; size: number }>('/api/v1/attachments', () =>
      client.POST('/api/v1/attachments', {
        querySerializer: () => new URLSearchParams({ filename: file.name }).toString(),
        body: file,
        bodySerializer: (b: File) => b,
        headers: { 'content-type': file.type || 'application/octet-stream' },
      } as never),
    ),
};

export function ChannelPicker(props: { options: { channel: ReplyChannel; optedOut: boolean }[]; value: ReplyChannel | undefined; onChange: (c: ReplyChannel) => void }) {
  const { t } = useTranslation();
  if (props.options.length === 0) return null;
  return (
    <label className="field field-inline">
      <span>{t('ticket.reply.via')}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value as ReplyChannel)} data-testid="reply-channel">
        {props.options.map((o) => (
          <option key={o.channel} value={o.channel}>
            {t(`channel.${o.channel}`)}
            {o.optedOut ? ` (${t('ticket.side.optedOut')})` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

export interface Uploaded {
  id: string;
  filename: string;
  size: number;
}

/** Files for a reply: each is uploaded when chosen, and can be removed before sending. */
export function AttachmentPicker({ files, setFiles }: { files: Uploaded[]; setFiles: (f: (prev: Uploaded[]) => Uploaded[]) => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const add = async (list: FileList | null) => {
    setError(null);
    for (const file of Array.from(list ?? [])) {
      setUploading((n) => n + 1);
      try {
        const a = await replyApi.upload(file);
        setFiles((prev) => [...prev, a]);
      } catch (err) {
        setError(t('ticket.reply.uploadFailed', { name: file.name, message: err instanceof ApiError ? err.message : String(err) }));
      } finally {
        setUploading((n) => n - 1);
      }
    }
    if (input.current) input.current.value = '';
  };
  return (
    <div className="reply-files">
      <label className="btn btn-small">
        {t('ticket.reply.attach')}
        <input ref={input} type="file" multiple className="visually-hidden" onChange={(e) => void add(e.target.files)} data-testid="reply-attach" />
      </label>
      {uploading > 0 && <span className="muted small">{t('ticket.reply.uploading')}</span>}
      {files.map((f) => (
        <span key={f.id} className="tag" data-testid="reply-file">
          {f.filename}{' '}
          <button type="button" className="link-button" onClick={() => setFiles((prev) => prev.filter((x) => x.id !== f.id))} aria-label={t('ticket.reply.remove', { name: f.filename })}>
            ×
          </button>
        </span>
      ))}
      {error && (
        <span className="error small" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

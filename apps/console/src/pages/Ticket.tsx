import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Attachment, Message, TicketDetail } from '../api/types';
import { useAuth } from '../auth';
import { ChannelIcon, StatusBadge } from '../components/ChannelIcon';
import { Dialog, isTyping } from '../components/Dialog';
import { CannedPicker } from '../components/ticket/CannedPicker';
import { useMentions, withMentions } from '../components/ticket/Mentions';
import { AttachmentPicker, ChannelPicker, replyApi, type Uploaded } from '../components/ticket/ReplyOptions';
import { customerChannel, replyChannels, type ReplyChannel } from '../components/ticket/ticket-helpers';
import { SidePanel, sideApi } from '../components/ticket/SidePanel';
import { ApiError } from '../lib/api-error';
import { formatDateTime, localInputToIso } from '../lib/format';
import { canTransition, nextKinds, statusKeyFor, type StatusKind } from '../lib/lifecycle';
import { useRealtime } from '../realtime';

/** How often a reply being written is announced again (core's typing state lasts 6 s). */
const TYPING_REFRESH_MS = 4_000;

const errorText = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

export function TicketPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const ticket = useQuery({ queryKey: ['ticket', id], queryFn: () => api.ticket(id) });
  const { watch } = useRealtime();
  const queryClient = useQueryClient();
  useEffect(() => watch(id), [id, watch]);
  // Opening the ticket marks it seen for this agent (the inbox stops showing it bold).
  const loaded = ticket.isSuccess;
  useEffect(() => {
    if (!loaded) return;
    api.seen(id).then(
      () => void queryClient.invalidateQueries({ queryKey: ['tickets'] }),
      () => undefined,
    );
  }, [id, loaded, queryClient]);

  if (ticket.isPending) {
    return (
      <p className="empty" role="status">
        {t('ticket.loading')}
      </p>
    );
  }
  if (ticket.isError) {
    return (
      <div className="ticket">
        <Link to="/">← {t('ticket.back')}</Link>
        <p className="alert alert-error" role="alert">
          {t('ticket.error', { message: errorText(ticket.error) })}
        </p>
      </div>
    );
  }
  return <TicketView ticket={ticket.data} />;
}

type Overlay = 'escalate' | 'help' | 'hold' | null;

function TicketView({ ticket }: { ticket: TicketDetail }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [overlay, setOverlay] = useState<Overlay>(null);
  const [tab, setTab] = useState<'public' | 'internal'>('public');
  const [actionError, setActionError] = useState<string | null>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const kind = ticket.status.kind;

  const refresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: ['ticket', ticket.id] });
    void queryClient.invalidateQueries({ queryKey: ['tickets'] });
  }, [queryClient, ticket.id]);
  const onError = (err: unknown) => setActionError(t('ticket.actionFailed', { message: errorText(err) }));

  const status = useMutation({
    mutationFn: (v: { to: StatusKind; until?: string }) => api.setStatus(ticket.id, statusKeyFor(v.to), v.until),
    onSuccess: () => {
      setActionError(null);
      setOverlay(null);
      refresh();
    },
    onError,
  });
  const escalate = useMutation({
    mutationFn: (note: string) => api.escalate(ticket.id, note),
    onSuccess: () => {
      setActionError(null);
      setOverlay(null);
      refresh();
    },
    onError,
  });

  const focusComposer = useCallback((v: 'public' | 'internal') => {
    setTab(v);
    requestAnimationFrame(() => composerRef.current?.focus());
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (overlay || isTyping(e)) return;
      if (e.key === 'r') focusComposer('public');
      else if (e.key === 'n') focusComposer('internal');
      else if (e.key === 'e' && ticket.line === 1) setOverlay('escalate');
      else if (e.key === '?') setOverlay('help');
      else return;
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [overlay, focusComposer, ticket.line]);

  const move = (to: StatusKind) => (to === 'on_hold' ? setOverlay('hold') : status.mutate({ to }));
  const closeOverlay = useCallback(() => setOverlay(null), []);

  return (
    <article className="ticket" aria-labelledby="ticket-title">
      <Link to="/" className="back">
        ← {t('ticket.back')}
      </Link>
      <header className="ticket-head">
        <div className="ticket-title-row">
          <h1 id="ticket-title">
            <span className="muted">#{ticket.number}</span> {ticket.subject}
          </h1>
          <StatusBadge kind={kind} name={ticket.status.name} />
          {ticket.line === 2 && <span className="badge badge-line">{t('ticket.escalated', { line: 2 })}</span>}
        </div>
        <dl className="facts">
          <div>
            <dt>{t('ticket.contact')}</dt>
            <dd>{ticket.contact?.name ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('ticket.responsible')}</dt>
            <dd>{ticket.responsibleAgent?.name ?? t('ticket.nobody')}</dd>
          </div>
          <div>
            <dt>{t('inbox.col.channel')}</dt>
            <dd>
              <ChannelIcon channel={ticket.registrationChannel} /> {t(`channel.${ticket.registrationChannel}`, { defaultValue: ticket.registrationChannel })}
            </dd>
          </div>
          <div>
            <dt>{t('inbox.priority')}</dt>
            <dd>{t(`priority.${ticket.priority}`, { defaultValue: ticket.priority })}</dd>
          </div>
          {ticket.onHoldUntil && (
            <div>
              <dt>{t('ticket.onHoldUntil')}</dt>
              <dd>{formatDateTime(ticket.onHoldUntil, i18n.language)}</dd>
            </div>
          )}
        </dl>
        <div className="actions">
          <StatusMenu kind={kind} onMove={move} busy={status.isPending} />
          {canTransition(kind, 'resolved') && kind !== 'resolved' && (
            <button type="button" className="btn btn-primary" onClick={() => move('resolved')} disabled={status.isPending} data-testid="resolve">
              {t('ticket.resolve')}
            </button>
          )}
          {(kind === 'resolved' || kind === 'closed') && canTransition(kind, 'open') && (
            <button type="button" className="btn" onClick={() => move('open')} disabled={status.isPending} data-testid="reopen">
              {t('ticket.reopen')}
            </button>
          )}
          {ticket.line === 1 && (
            <button type="button" className="btn" onClick={() => setOverlay('escalate')} aria-keyshortcuts="e" data-testid="escalate">
              {t('ticket.escalate')}
            </button>
          )}
          <button type="button" className="btn btn-ghost" onClick={() => setOverlay('help')} aria-keyshortcuts="?" aria-label={t('help.title')}>
            ?
          </button>
        </div>
        {actionError && (
          <p className="alert alert-error" role="alert">
            {actionError}
          </p>
        )}
        <Presence ticketId={ticket.id} />
      </header>

      <div className="ticket-body">
        <div className="ticket-main">
          <section className="feed" aria-label={t('ticket.feed')} data-testid="feed">
            {ticket.messages.length === 0 ? <p className="empty">{t('ticket.noMessages')}</p> : ticket.messages.map((m) => <MessageItem key={m.id} ticketId={ticket.id} m={m} />)}
          </section>

          <Composer ticketId={ticket.id} contactId={ticket.contact?.id ?? null} messages={ticket.messages} tab={tab} setTab={setTab} textareaRef={composerRef} onSent={refresh} />
        </div>
        <SidePanel ticket={ticket} />
      </div>

      {overlay === 'escalate' && <EscalateDialog onClose={closeOverlay} onSubmit={(note) => escalate.mutate(note)} busy={escalate.isPending} />}
      {overlay === 'hold' && <HoldDialog onClose={closeOverlay} onSubmit={(until) => status.mutate({ to: 'on_hold', until })} busy={status.isPending} />}
      {overlay === 'help' && <HelpDialog onClose={closeOverlay} />}
    </article>
  );
}

/** Only the statuses core allows from the current one. */
function StatusMenu({ kind, onMove, busy }: { kind: string; onMove: (to: StatusKind) => void; busy: boolean }) {
  const { t } = useTranslation();
  const options = nextKinds(kind);
  if (options.length === 0) return null;
  return (
    <label className="field field-inline">
      <span className="visually-hidden">{t('ticket.changeStatus')}</span>
      <select value="" disabled={busy} onChange={(e) => e.target.value && onMove(e.target.value as StatusKind)} data-testid="status-select" aria-label={t('ticket.changeStatus')}>
        <option value="">{t('ticket.moveTo')}</option>
        {options.map((k) => (
          <option key={k} value={k}>
            {t(`statusKind.${k}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

function Presence({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const { presence } = useRealtime();
  const { session } = useAuth();
  const others = (presence[ticketId] ?? []).filter((a) => a.agentId !== session?.agent.id);
  if (others.length === 0) return null;
  const replying = others.filter((a) => a.typing).map((a) => a.name);
  const viewing = others.filter((a) => !a.typing).map((a) => a.name);
  return (
    <p className="presence" role="status" data-testid="presence">
      {replying.length > 0 && <span className="presence-typing">{t('presence.replying', { names: replying.join(', ') })}</span>}
      {viewing.length > 0 && <span>{t('presence.viewing', { names: viewing.join(', ') })}</span>}
    </p>
  );
}

function MessageItem({ ticketId, m }: { ticketId: string; m: Message }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => api.retry(ticketId, m.id),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['ticket', ticketId] }),
  });
  const internal = m.visibility === 'internal';
  const who = m.authorAgentName ?? m.authorContactName ?? m.contactAddress ?? t(m.direction === 'inbound' ? 'ticket.customer' : 'ticket.system');
  const cls = ['msg', internal ? 'msg-internal' : m.direction === 'inbound' ? 'msg-in' : 'msg-out'].join(' ');
  return (
    <div className={cls} data-testid="message" data-visibility={m.visibility} data-direction={m.direction}>
      <div className="msg-meta">
        <strong>{who}</strong>
        {internal && <span className="tag tag-note">{t('ticket.internalNote')}</span>}
        {m.channel && !internal && <span className="muted">{t('ticket.viaChannel', { channel: t(`channel.${m.channel}`, { defaultValue: m.channel }) })}</span>}
        {m.autoSubmitted && <span className="tag">{t('ticket.autoReply')}</span>}
        <time dateTime={m.receivedAt ?? m.createdAt}>{formatDateTime(m.receivedAt ?? m.createdAt, i18n.language)}</time>
      </div>
      {m.subject && m.channel === 'email' && <div className="msg-subject">{m.subject}</div>}
      <div className="msg-body">{internal && m.text ? withMentions(m.text) : m.text}</div>
      {m.attachments.length > 0 && (
        <ul className="files" aria-label={t('ticket.attachments')}>
          {m.attachments.map((a) => (
            <li key={a.id}>
              <AttachmentLink a={a} />
            </li>
          ))}
        </ul>
      )}
      <div className="msg-foot">
        {m.threadedBy && m.channel === 'email' && m.direction === 'inbound' && (
          <span className="muted small" title={m.threadedByValue ?? undefined}>
            {t('ticket.threadedBy', { reason: t(`ticket.threadReason.${m.threadedBy}`, { defaultValue: m.threadedBy }) })}
          </span>
        )}
        {m.direction === 'outbound' && !internal && m.deliveryStatus && (
          <span className={`delivery delivery-${m.deliveryStatus}`} data-testid="delivery" title={m.deliveryError ?? undefined}>
            {t('ticket.deliveryLabel', { state: t(`ticket.delivery.${m.deliveryStatus}`, { defaultValue: m.deliveryStatus }) })}
            {m.deliveryError && <span className="muted"> — {m.deliveryError}</span>}
          </span>
        )}
        {m.deliveryStatus === 'failed' && (
          <button type="button" className="btn btn-small" onClick={() => retry.mutate()} disabled={retry.isPending} data-testid="retry">
            {retry.isPending ? t('ticket.retrying') : t('ticket.retry')}
          </button>
        )}
        {retry.isError && <span className="error small">{errorText(retry.error)}</span>}
      </div>
    </div>
  );
}

/** Downloads go through fetch (they need the token), then a blob link. */
function AttachmentLink({ a }: { a: Attachment }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    try {
      const blob = await api.attachment(a.url);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = a.filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <>
      <a href={a.url} onClick={(e) => (e.preventDefault(), void download())} aria-label={t('ticket.download', { name: a.filename })}>
        {a.filename}
      </a>{' '}
      <span className="muted small">{formatSize(a.size)}</span>
      {error && <span className="error small"> {error}</span>}
    </>
  );
}

const formatSize = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

function Composer(props: {
  ticketId: string;
  contactId: string | null;
  messages: Message[];
  tab: 'public' | 'internal';
  setTab: (v: 'public' | 'internal') => void;
  textareaRef: React.RefObject<HTMLTextAreaElement | null>;
  onSent: () => void;
}) {
  const { t } = useTranslation();
  const { typing } = useRealtime();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  const [caret, setCaret] = useState(0);
  const { ticketId, tab } = props;
  // Replies: the channels the contact can be reached on (the customer's own by default), and files.
  const contact = useQuery({ queryKey: ['contact', props.contactId], queryFn: () => sideApi.contact(props.contactId!), enabled: Boolean(props.contactId) });
  const channels = replyChannels(contact.data?.identities ?? []);
  const [picked, setPicked] = useState<ReplyChannel | undefined>();
  const channel = channels.some((c) => c.channel === picked) ? picked : customerChannel(props.messages, channels.map((c) => c.channel));
  const [files, setFiles] = useState<Uploaded[]>([]);
  const mentions = useMentions({
    enabled: tab === 'internal',
    text,
    caret,
    apply: (next, at) => {
      setText(next);
      setCaret(at);
      requestAnimationFrame(() => props.textareaRef.current?.setSelectionRange(at, at));
    },
  });
  const closePicker = useCallback(() => setPicking(false), []);
  // A chosen canned response goes where the cursor was (or at the end), and the composer keeps the focus.
  const insertCanned = useCallback(
    (body: string) => {
      const el = props.textareaRef.current;
      setText((prev) => {
        const at = Math.min(el?.selectionStart ?? prev.length, prev.length);
        const end = Math.max(at, Math.min(el?.selectionEnd ?? at, prev.length));
        return prev.slice(0, at) + body + prev.slice(end);
      });
      setPicking(false);
      requestAnimationFrame(() => props.textareaRef.current?.focus());
    },
    [props.textareaRef],
  );
  const hasText = text.trim().length > 0 && tab === 'public';

  // While a reply has text, tell the others every few seconds (the server forgets typing after 6 s);
  // stop at once when it is sent, emptied, switched to a note, or the page is left.
  useEffect(() => {
    if (!hasText) return;
    typing(ticketId, true);
    const timer = setInterval(() => typing(ticketId, true), TYPING_REFRESH_MS);
    return () => {
      clearInterval(timer);
      typing(ticketId, false);
    };
  }, [hasText, typing, ticketId]);

  const send = useMutation({
    mutationFn: () =>
      replyApi.send(ticketId, {
        body: text.trim(),
        visibility: tab,
        ...(tab === 'public' && channel ? { channel } : {}),
        ...(tab === 'public' && files.length > 0 ? { attachmentIds: files.map((f) => f.id) } : {}),
      }),
    onSuccess: () => {
      setText('');
      setFiles([]);
      setError(null);
      props.onSent();
    },
    onError: (err) => setError(errorText(err)),
  });
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (text.trim() && !send.isPending) send.mutate();
  };

  return (
    <form className={`composer composer-${tab}`} onSubmit={submit} data-testid="composer">
      <div role="tablist" aria-label={t('composer.label')} className="tabs">
        {(['public', 'internal'] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            id={`tab-${v}`}
            aria-selected={tab === v}
            aria-controls="composer-panel"
            className={tab === v ? 'tab active' : 'tab'}
            onClick={() => props.setTab(v)}
            aria-keyshortcuts={v === 'public' ? 'r' : 'n'}
            data-testid={`tab-${v}`}
          >
            {v === 'public' ? t('composer.reply') : t('composer.note')}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="composer-panel" aria-labelledby={`tab-${tab}`}>
        <textarea
          ref={props.textareaRef}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={(e) => {
            if (mentions.onKeyDown(e)) return;
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
            if (e.key === 'Escape') e.currentTarget.blur();
          }}
          placeholder={tab === 'public' ? t('composer.replyPlaceholder') : t('composer.notePlaceholder')}
          aria-label={tab === 'public' ? t('composer.reply') : t('composer.note')}
          rows={5}
          aria-autocomplete={tab === 'internal' ? 'list' : undefined}
          aria-expanded={tab === 'internal' ? mentions.expanded : undefined}
          aria-controls={mentions.expanded ? 'mention-menu' : undefined}
          aria-activedescendant={mentions.expanded ? mentions.activeId : undefined}
          data-testid="composer-text"
        />
        {mentions.menu}
        {tab === 'public' && (
          <div className="reply-options">
            <ChannelPicker options={channels} value={channel} onChange={setPicked} />
            <AttachmentPicker files={files} setFiles={setFiles} />
          </div>
        )}
        {error && (
          <p className="alert alert-error" role="alert">
            {error}
          </p>
        )}
        <div className="composer-foot">
          <button type="button" className="btn btn-small" onClick={() => setPicking(true)} data-testid="canned-open">
            {t('ticket.canned.open')}
          </button>
          <span className="muted small">{t('composer.hint')}</span>
          <button type="submit" className={tab === 'public' ? 'btn btn-primary' : 'btn btn-note'} disabled={!text.trim() || send.isPending} data-testid="composer-send">
            {send.isPending ? t('composer.sending') : tab === 'public' ? t('composer.send') : t('composer.addNote')}
          </button>
        </div>
      </div>
      {picking && <CannedPicker ticketId={ticketId} onClose={closePicker} onInsert={insertCanned} />}
    </form>
  );
}

function EscalateDialog({ onClose, onSubmit, busy }: { onClose: () => void; onSubmit: (note: string) => void; busy: boolean }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  return (
    <Dialog title={t('ticket.escalateTitle')} onClose={onClose} testId="escalate-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (note.trim()) onSubmit(note.trim());
        }}
      >
        <label className="field">
          <span>{t('ticket.escalateNote')}</span>
          <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={4} required />
        </label>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('ticket.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={!note.trim() || busy}>
            {t('ticket.escalateSubmit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function HoldDialog({ onClose, onSubmit, busy }: { onClose: () => void; onSubmit: (untilIso: string) => void; busy: boolean }) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  const iso = localInputToIso(value);
  return (
    <Dialog title={t('ticket.onHoldUntil')} onClose={onClose} testId="hold-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (iso) onSubmit(iso);
        }}
      >
        <label className="field">
          <span>{t('ticket.onHoldUntil')}</span>
          <input type="datetime-local" value={value} onChange={(e) => setValue(e.target.value)} required data-testid="hold-until" />
        </label>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('ticket.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={!iso || busy}>
            {t('ticket.onHoldApply')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function HelpDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const keys: [string, string][] = [
    ['j', t('help.j')],
    ['k', t('help.k')],
    ['Enter', t('help.enter')],
    ['r', t('help.r')],
    ['n', t('help.n')],
    ['e', t('help.e')],
    ['?', t('help.help')],
    ['Esc', t('help.esc')],
  ];
  return (
    <Dialog title={t('help.title')} onClose={onClose} testId="help-dialog">
      <dl className="keys">
        {keys.map(([k, what]) => (
          <div key={k}>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('help.close')}
        </button>
      </div>
    </Dialog>
  );
}

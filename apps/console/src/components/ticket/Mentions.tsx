import { useQuery } from '@tanstack/react-query';
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { call, client } from '../../api/client';
import { useAuth } from '../../auth';
import { MENTION, mentionAt, mentionToken } from './ticket-helpers';

export interface MentionAgent {
  id: string;
  name: string;
  email: string;
}

const list = <T,>(path: '/api/v1/agents' | '/api/v1/groups', query: Record<string, string>) =>
  call<{ items: T[] }>(path, () => client.GET(path, { querySerializer: () => new URLSearchParams(query).toString() }));

/**
 * Who can be mentioned. `GET /agents` is admin-only; other agents read the groups and their
 * members (`GET /groups/{id}`), so agents in no group are offered to admins only.
 */
async function loadAgents(isAdmin: boolean): Promise<MentionAgent[]> {
  if (isAdmin) return (await list<MentionAgent>('/api/v1/agents', { active: 'true', pageSize: '100' })).items;
  const groups = (await list<{ id: string }>('/api/v1/groups', { pageSize: '100' })).items;
  const byId = new Map<string, MentionAgent>();
  for (const g of groups) {
    const detail = await call<{ members: (MentionAgent & { active: boolean })[] }>('/api/v1/groups/{id}', () =>
      client.GET('/api/v1/groups/{id}', { params: { path: { id: g.id } } }),
    );
    for (const m of detail.members) if (m.active) byId.set(m.id, { id: m.id, name: m.name, email: m.email });
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Offers agents while `@…` is typed in a note; Arrow keys move, Enter / Tab insert
 * `@[Name](agent:<id>)`, Escape closes.
 */
export function useMentions(opts: { enabled: boolean; text: string; caret: number; apply: (text: string, caret: number) => void }) {
  const { session } = useAuth();
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const at = opts.enabled ? mentionAt(opts.text, opts.caret) : null;
  const agents = useQuery({
    queryKey: ['mention-agents', session?.agent.role === 'admin'],
    queryFn: () => loadAgents(session?.agent.role === 'admin'),
    enabled: Boolean(at),
    staleTime: 5 * 60_000,
  });
  const selfId = session?.agent.id;
  const options =
    at && dismissedAt !== at.start
      ? (agents.data ?? []).filter((a) => a.id !== selfId && (a.name.toLowerCase().includes(at.query) || a.email.toLowerCase().includes(at.query))).slice(0, 8)
      : [];
  const open = Boolean(at) && dismissedAt !== at?.start;
  const index = Math.min(active, Math.max(options.length - 1, 0));

  const choose = (a: MentionAgent) => {
    if (!at) return;
    const token = `${mentionToken(a)} `;
    const next = opts.text.slice(0, at.start) + token + opts.text.slice(opts.caret);
    setActive(0);
    opts.apply(next, at.start + token.length);
  };

  /** True when the key was used by the menu. */
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open || options.length === 0) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      setActive((index + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
    } else if ((e.key === 'Enter' && !e.ctrlKey && !e.metaKey) || e.key === 'Tab') {
      choose(options[index]);
    } else if (e.key === 'Escape') {
      setDismissedAt(at!.start);
    } else return false;
    e.preventDefault();
    return true;
  };

  const menu = open ? <MentionMenu options={options} index={index} loading={agents.isPending} failed={agents.isError} onChoose={choose} /> : null;
  return { onKeyDown, menu, expanded: open && options.length > 0, activeId: options[index] ? `mention-${options[index].id}` : undefined };
}

function MentionMenu(props: { options: MentionAgent[]; index: number; loading: boolean; failed: boolean; onChoose: (a: MentionAgent) => void }) {
  const { t } = useTranslation();
  if (props.options.length === 0) {
    return (
      <p className="mention-menu muted small" role="status" data-testid="mention-menu">
        {props.loading ? t('ticket.mention.loading') : props.failed ? t('ticket.mention.failed') : t('ticket.mention.none')}
      </p>
    );
  }
  return (
    <ul className="mention-menu" role="listbox" id="mention-menu" aria-label={t('ticket.mention.label')} data-testid="mention-menu">
      {props.options.map((a, i) => (
        <li
          key={a.id}
          id={`mention-${a.id}`}
          role="option"
          aria-selected={i === props.index}
          className={i === props.index ? 'active' : undefined}
          // mousedown, not click: the textarea keeps its focus and caret.
          onMouseDown={(e) => {
            e.preventDefault();
            props.onChoose(a);
          }}
          data-testid="mention-option"
        >
          <strong>{a.name}</strong> <span className="muted small">{a.email}</span>
        </li>
      ))}
    </ul>
  );
}

/** A note's text with `@[Name](agent:<id>)` shown as a chip. */
export function withMentions(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(MENTION)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(
      <span key={`${m.index}`} className="mention" data-agent-id={m[2]} data-testid="mention">
        @{m[1]}
      </span>,
    );
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

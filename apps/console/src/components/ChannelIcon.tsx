import { useTranslation } from 'react-i18next';

/** Simple line icons (24×24 paths), one per channel; the channel's name is the accessible label. */
const PATHS: Record<string, string> = {
  email: 'M3 6h18v12H3z M3 6l9 7 9-7',
  telegram: 'M21 4 3 11l6 2 2 6 3-4 5 4z M9 13l9-7',
  sms: 'M4 5h16v11H9l-5 4z',
  webform: 'M4 4h16v16H4z M7 8h10 M7 12h10 M7 16h6',
  console: 'M3 5h18v12H3z M8 21h8 M12 17v4',
  api: 'M8 7l-5 5 5 5 M16 7l5 5-5 5',
  phone: 'M5 3h4l2 5-3 2a11 11 0 0 0 6 6l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z',
};

export function ChannelIcon({ channel }: { channel: string }) {
  const { t } = useTranslation();
  const label = t(`channel.${channel}`, { defaultValue: channel });
  return (
    <svg className="channel-icon" viewBox="0 0 24 24" width="18" height="18" role="img" aria-label={label} data-channel={channel}>
      <title>{label}</title>
      <path d={PATHS[channel] ?? 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z'} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}

export function StatusBadge({ kind, name }: { kind: string; name?: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-${kind}`} data-kind={kind}>
      {name && name.toLowerCase() !== kind.replace('_', ' ') ? name : t(`statusKind.${kind}`, { defaultValue: name ?? kind })}
    </span>
  );
}

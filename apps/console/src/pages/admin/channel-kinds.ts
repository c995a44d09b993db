import type { FieldSpec } from './FieldForm';

/** A channel API the admin screens manage: where it lives, what its records show, and its form. */
export interface ChannelKind {
  key: 'email' | 'telegram' | 'sms' | 'webform';
  /** The collection's URL (list, POST; `/{id}` for one). */
  url: string;
  /** i18n key of the section's title. */
  title: string;
  /** What the list shows under the name. */
  describe: (r: ChannelRecord) => string | null;
  fields: readonly FieldSpec[];
  /** Creating one needs more than these fields (web forms' field lists): edit only. */
  editOnly?: boolean;
  /** `POST {url}/{id}/test` exists. */
  canTest?: boolean;
  /** `GET {url}/{id}/webhook-urls` exists. */
  webhookUrls?: boolean;
}

/** What the lists read from any channel record. */
export interface ChannelRecord {
  id: string;
  name?: string;
  title?: string;
  key?: string;
  enabled: boolean;
  state?: 'active' | 'error' | 'disabled';
  stateReason?: string | null;
  [k: string]: unknown;
}

const name: FieldSpec = { path: 'name', label: 'admin.f.name', type: 'text', required: true };
const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

export const CHANNEL_KINDS: readonly ChannelKind[] = [
  {
    key: 'email',
    url: '/api/v1/channels/email',
    title: 'admin.channels.email',
    describe: (r) => str(r.address),
    canTest: true,
    fields: [
      name,
      { path: 'address', label: 'admin.f.address', type: 'text', required: true },
      { path: 'displayName', label: 'admin.f.displayName', type: 'text', nullable: true },
      { path: 'imapHost', label: 'admin.f.imapHost', type: 'text', required: true },
      { path: 'imapPort', label: 'admin.f.imapPort', type: 'number' },
      { path: 'imapTls', label: 'admin.f.imapTls', type: 'checkbox' },
      { path: 'imapUser', label: 'admin.f.imapUser', type: 'text', required: true },
      { path: 'imapAuth', label: 'admin.f.imapAuth', type: 'select', options: ['password', 'xoauth2'] },
      { path: 'imapSecret', label: 'admin.f.imapSecret', type: 'secret', required: true },
      { path: 'folder', label: 'admin.f.folder', type: 'text' },
      { path: 'processedAction', label: 'admin.f.processedAction', type: 'select', options: ['flag', 'move'] },
      { path: 'processedFolder', label: 'admin.f.processedFolder', type: 'text', when: (v) => v.processedAction === 'move' },
      { path: 'smtpHost', label: 'admin.f.smtpHost', type: 'text', required: true },
      { path: 'smtpSecurity', label: 'admin.f.smtpSecurity', type: 'select', options: ['starttls', 'tls', 'none'] },
      { path: 'smtpPort', label: 'admin.f.smtpPort', type: 'number' },
      { path: 'smtpUser', label: 'admin.f.smtpUser', type: 'text', nullable: true },
      { path: 'smtpSecret', label: 'admin.f.smtpSecret', type: 'secret' },
      { path: 'createContacts', label: 'admin.f.createContacts', type: 'checkbox' },
    ],
  },
  {
    key: 'telegram',
    url: '/api/v1/channels/telegram',
    title: 'admin.channels.telegram',
    describe: (r) => (str(r.botUsername) ? `@${String(r.botUsername)}` : str(r.tokenHint)),
    fields: [
      name,
      { path: 'token', label: 'admin.f.token', type: 'secret', required: true },
      { path: 'greeting', label: 'admin.f.greeting', type: 'textarea' },
      { path: 'mode', label: 'admin.f.mode', type: 'select', options: ['polling', 'webhook'] },
      { path: 'publicBaseUrl', label: 'admin.f.publicBaseUrl', type: 'text', nullable: true, when: (v) => v.mode === 'webhook' },
    ],
  },
  {
    key: 'sms',
    url: '/api/v1/channels/sms',
    title: 'admin.channels.sms',
    describe: (r) => [str(r.provider), str(r.sender)].filter(Boolean).join(' · ') || null,
    webhookUrls: true,
    fields: [
      name,
      { path: 'provider', label: 'admin.f.provider', type: 'select', options: ['twilio', 'smsru', 'smpp'] },
      { path: 'sender', label: 'admin.f.sender', type: 'text', required: true },
      { path: 'credentials.accountSid', label: 'admin.f.accountSid', type: 'secret', required: true, group: 'credentials', when: (v) => v.provider === 'twilio' },
      { path: 'credentials.authToken', label: 'admin.f.authToken', type: 'secret', required: true, group: 'credentials', when: (v) => v.provider === 'twilio' },
      { path: 'credentials.apiId', label: 'admin.f.apiId', type: 'secret', required: true, group: 'credentials', when: (v) => v.provider === 'smsru' },
      { path: 'credentials.systemId', label: 'admin.f.systemId', type: 'secret', required: true, group: 'credentials', when: (v) => v.provider === 'smpp' },
      { path: 'credentials.password', label: 'admin.f.password', type: 'secret', required: true, group: 'credentials', when: (v) => v.provider === 'smpp' },
      { path: 'smppHost', label: 'admin.f.smppHost', type: 'text', required: true, when: (v) => v.provider === 'smpp' },
      { path: 'smppPort', label: 'admin.f.smppPort', type: 'number', when: (v) => v.provider === 'smpp' },
      { path: 'baseUrl', label: 'admin.f.baseUrl', type: 'text', nullable: true, when: (v) => v.provider !== 'smpp' },
      { path: 'throughputPerSecond', label: 'admin.f.throughputPerSecond', type: 'number' },
      { path: 'maxSegments', label: 'admin.f.maxSegments', type: 'number' },
      { path: 'defaultRegion', label: 'admin.f.defaultRegion', type: 'text', nullable: true },
    ],
  },
  {
    key: 'webform',
    url: '/api/v1/webforms',
    title: 'admin.channels.webform',
    describe: (r) => str(r.key),
    editOnly: true,
    fields: [
      { path: 'key', label: 'admin.f.key', type: 'text', required: true },
      { path: 'title', label: 'admin.f.title', type: 'text', required: true },
      { path: 'introText', label: 'admin.f.introText', type: 'textarea' },
      { path: 'buttonLabel', label: 'admin.f.buttonLabel', type: 'text' },
      { path: 'launcherLabel', label: 'admin.f.launcherLabel', type: 'text' },
      { path: 'successMessage', label: 'admin.f.successMessage', type: 'textarea' },
      { path: 'position', label: 'admin.f.position', type: 'select', options: ['bottom-right', 'bottom-left'] },
      { path: 'filesAllowed', label: 'admin.f.filesAllowed', type: 'checkbox' },
    ],
  },
];

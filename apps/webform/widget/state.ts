/*
 * The state of one filled form (idempotency key, fill session, chosen files, sending flag) and the
 * pure rules around it: file checks, the success text.
 */
import type { PublicWebform } from '../../../libs/contracts/src/webform.js';
import type { ApiFailure } from './api.js';

export interface FormState {
  /** One per filled form, reused on every retry until a success. */
  idempotencyKey: string;
  /** Fill-session token from `POST /sessions`, and when the server's minimum fill time is over. */
  token?: string;
  readyAt: number;
  /** The `POST /sessions` in flight, if any. */
  session?: Promise<ApiFailure | undefined>;
  files: File[];
  sending: boolean;
}

export function newState(): FormState {
  return { idempotencyKey: uuid(), readyAt: 0, files: [], sending: false };
}

/** A random UUID v4: `crypto.randomUUID`, else built from `getRandomValues`, else `Math.random`. */
export function uuid(): string {
  const c = typeof crypto === 'object' ? crypto : undefined;
  if (c && typeof c.randomUUID === 'function') {
    try {
      return c.randomUUID();
    } catch {
      // randomUUID is only there on secure (https) pages; fall through.
    }
  }
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => (b + 0x100).toString(16).slice(1)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** Does the file match one of the accepted types (`image/png`, `image/*`, `.pdf`)? An empty list accepts all. */
export function acceptsType(file: { name: string; type: string }, accepted: readonly string[]): boolean {
  const type = file.type.toLowerCase();
  const name = file.name.toLowerCase();
  const rules = accepted.map((a) => a.trim().toLowerCase()).filter(Boolean);
  // The browser could not tell the type: let the server decide (it answers 415 if it refuses).
  if (!rules.length || (!type && !rules.some((r) => r[0] === '.'))) return true;
  return rules.some((r) => (r[0] === '.' ? name.endsWith(r) : r.endsWith('/*') ? type.startsWith(r.slice(0, -1)) : type === r));
}

const TYPE_NAMES: Record<string, string> = {
  'image/*': 'images',
  'text/plain': 'TXT',
  'application/msword': 'DOC',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
  'application/vnd.ms-excel': 'XLS',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
};

/** Accepted types as people read them: "PDF, PNG, images". */
export function describeTypes(accepted: readonly string[]): string {
  const names = accepted.map((a) => {
    const t = a.trim().toLowerCase();
    if (TYPE_NAMES[t]) return TYPE_NAMES[t];
    if (t[0] === '.') return t.slice(1).toUpperCase();
    const [major, minor = ''] = t.split('/');
    if (minor === '*') return `${major} files`;
    return minor.length <= 5 ? minor.toUpperCase() : t;
  });
  return names.filter((n, i) => names.indexOf(n) === i).join(', ');
}

/**
 * Adds picked files to the chosen ones, refusing (with a message each) the ones of a wrong type,
 * too big, already chosen, or beyond the maximum count.
 */
export function addFiles(chosen: readonly File[], picked: readonly File[], rules: PublicWebform['files']): { files: File[]; problems: string[] } {
  const files = [...chosen];
  const problems: string[] = [];
  let overflow = 0;
  for (const file of picked) {
    if (files.some((f) => f.name === file.name && f.size === file.size && f.lastModified === file.lastModified)) continue;
    if (!acceptsType(file, rules.acceptedTypes)) {
      problems.push(`“${file.name}” is not an accepted file type. Accepted: ${describeTypes(rules.acceptedTypes)}.`);
    } else if (rules.maxFileBytes > 0 && file.size > rules.maxFileBytes) {
      problems.push(`“${file.name}” is too large (${formatBytes(file.size)}). Each file can be at most ${formatBytes(rules.maxFileBytes)}.`);
    } else if (rules.maxFiles > 0 && files.length >= rules.maxFiles) {
      overflow++;
    } else {
      files.push(file);
    }
  }
  if (overflow) {
    problems.push(
      `You can attach at most ${rules.maxFiles} file${rules.maxFiles === 1 ? '' : 's'}; ${overflow} ${overflow === 1 ? 'was' : 'were'} not added.`,
    );
  }
  return { files, problems };
}

/** "Up to 3 files, 10 MB each. PDF, PNG, images." */
export function filesHint(rules: PublicWebform['files']): string {
  const parts: string[] = [];
  if (rules.maxFiles > 0) parts.push(`Up to ${rules.maxFiles} file${rules.maxFiles === 1 ? '' : 's'}`);
  if (rules.maxFileBytes > 0) parts.push(`${formatBytes(rules.maxFileBytes)} each`);
  const head = parts.join(', ');
  const types = rules.acceptedTypes.length ? describeTypes(rules.acceptedTypes) : '';
  return [head && `${head}.`, types && `${types}.`].filter(Boolean).join(' ');
}

const PLACEHOLDER = /\{\{\s*ticket\.number\s*\}\}/g;

/**
 * The success message: `{{ticket.number}}` replaced by the ticket number (or, when no number came in
 * time, the submission's reference); with no placeholder, " Ticket #N." is appended.
 */
export function successText(template: string, outcome: { ticketNumber?: string; reference?: string }): string {
  const text = template.trim();
  const value = outcome.ticketNumber ?? outcome.reference ?? '';
  if (text.search(PLACEHOLDER) >= 0) return text.replace(PLACEHOLDER, () => value);
  if (outcome.ticketNumber) return `${text} Ticket #${outcome.ticketNumber}.`;
  if (outcome.reference) return `${text} Reference: ${outcome.reference}.`;
  return text;
}

/**
 * A deterministic stream of web form submissions for bench/webform.ts, as visitors would fill
 * the benchmark's form (name, e-mail, an optional topic, a message). Submission `i` is a pure
 * function of `i`, so two runs send the same values.
 *
 *   85 %  a visitor not seen before (a new contact)
 *   15 %  (after the first REPEAT_GAP) a visitor who sent an earlier submission, with the same
 *         e-mail address, at least REPEAT_GAP positions back (so that contact exists by then)
 * Messages: a first line of 15–70 characters (the ticket title), then 50–1,500 characters of
 * text, skewed towards short. Topic: one of five options, left empty one time in five.
 * With a files ratio > 0, that fraction also attaches one small file (1–16 KiB; text or PNG).
 */
import { between, DOMAINS, FIRST, LAST, paragraphs, pick, rng, skewed, words } from './messages.js';

export const REPEAT_GAP = 500;
export const REPEAT_SHARE = 0.15;
export const TOPICS = ['Billing', 'Technical problem', 'Delivery', 'My account', 'Something else'];

/** The fields of the benchmark's form, as an admin creates them through core's API. */
export const BENCH_FORM_FIELDS = [
  { name: 'name', label: 'Your name', type: 'text', required: true, order: 1, role: 'name' },
  { name: 'email', label: 'E-mail', type: 'email', required: true, order: 2, role: 'email' },
  { name: 'topic', label: 'Topic', type: 'select', required: false, order: 3, options: TOPICS },
  { name: 'message', label: 'Message', type: 'textarea', required: true, order: 4, role: 'message' },
];

const SEED = 0x3f0a11;
const streamFor = (i: number, salt: number) => rng(SEED ^ Math.imul(i + 1, 0x9e3779b1) ^ salt);

export interface BenchFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface BenchSubmission {
  values: Record<string, string>;
  /** Whether the sender already sent an earlier submission of the stream. */
  repeat: boolean;
  file?: BenchFile;
}

/** Whose submission `i` is: its own index for a new visitor, or an earlier new visitor's. */
function senderIndex(i: number): number {
  const r = streamFor(i, 0x51);
  if (i < REPEAT_GAP || r() >= REPEAT_SHARE) return i;
  const span = i - REPEAT_GAP + 1;
  // Recent visitors come back more often than old ones; a repeat's sender is followed to the first submission.
  return senderIndex(span - 1 - Math.floor(r() ** 2 * span));
}

function sender(k: number): { name: string; email: string } {
  const r = streamFor(k, 0x77);
  const first = pick(r, FIRST);
  return { name: `${first} ${pick(r, LAST)}`, email: `${first.toLowerCase()}.${k}@${pick(r, DOMAINS)}` };
}

/** Submission `i` of the stream; `filesRatio` is the fraction with an attached file. */
export function benchSubmission(i: number, filesRatio = 0): BenchSubmission {
  const k = senderIndex(i);
  const who = sender(k);
  const r = streamFor(i, 0x99);
  const values: Record<string, string> = { name: who.name, email: who.email };
  if (r() < 0.8) values.topic = pick(r, TOPICS);
  values.message = `${words(r, between(r, 15, 70))}\n\n${paragraphs(r, skewed(r, 50, 1_500)).join('\n\n')}`;
  const submission: BenchSubmission = { values, repeat: k !== i };
  if (filesRatio > 0 && r() < filesRatio) submission.file = benchFile(i, r);
  return submission;
}

function benchFile(i: number, r: () => number): BenchFile {
  const size = skewed(r, 1_024, 16 * 1_024);
  if (r() < 0.5) {
    return { filename: `details-${i}.txt`, contentType: 'text/plain', content: Buffer.from(words(r, size).slice(0, size), 'utf8') };
  }
  const content = Buffer.alloc(size);
  // The PNG signature; the service checks the declared type, not the bytes, so the rest is noise.
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(content);
  for (let b = 8; b < size; b++) content[b] = Math.floor(r() * 256);
  return { filename: `screenshot-${i}.png`, contentType: 'image/png', content };
}

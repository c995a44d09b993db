import { z } from 'zod';

/** At most `limit` automatic mails to one recipient per `seconds`. */
export interface CapTier {
  limit: number;
  seconds: number;
}

export const DEFAULT_AUTO_REPLY_CAPS = '10/600,25/3600,100/36000';
const MAX_TIERS = 10;
const MAX_WINDOW_SECONDS = 30 * 86_400;
const MAX_LIMIT = 1_000_000;

/**
 * `EMAIL_AUTO_REPLY_CAPS`: comma-separated `<mails>/<seconds>` tiers, e.g. `10/600,25/3600,100/36000`
 * (10 per 10 minutes, 25 per hour, 100 per 10 hours), or `off`. Throws an Error saying what is
 * wrong. The tiers come back ordered by window.
 */
export function parseCaps(spec: string): CapTier[] {
  const value = spec.trim();
  if (/^off$/i.test(value)) return [];
  const parts = value.split(',').map((p) => p.trim());
  if (!value || parts.some((p) => !p)) throw new Error('expected tiers like 10/600,25/3600 (mails/seconds, comma-separated) or off');
  if (parts.length > MAX_TIERS) throw new Error(`at most ${MAX_TIERS} tiers`);
  const tiers = parts.map((p) => {
    const m = /^(\d+)\s*\/\s*(\d+)$/.exec(p);
    if (!m) throw new Error(`"${p}" is not <mails>/<seconds>, e.g. 10/600`);
    const limit = Number(m[1]);
    const seconds = Number(m[2]);
    if (limit < 1 || limit > MAX_LIMIT) throw new Error(`"${p}": the number of mails must be 1 to ${MAX_LIMIT}`);
    if (seconds < 1 || seconds > MAX_WINDOW_SECONDS) throw new Error(`"${p}": the window must be 1 to ${MAX_WINDOW_SECONDS} seconds (30 days)`);
    return { limit, seconds };
  });
  const windows = new Set(tiers.map((t) => t.seconds));
  if (windows.size !== tiers.length) throw new Error('two tiers have the same window');
  return tiers.sort((a, b) => a.seconds - b.seconds);
}

/** The environment variable: a valid spec, parsed. */
export const envCaps = () =>
  z
    .string()
    .default(DEFAULT_AUTO_REPLY_CAPS)
    .transform((v, ctx) => {
      try {
        return parseCaps(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

const UNITS: [seconds: number, one: string, many: string][] = [
  [86_400, 'day', 'days'],
  [3_600, 'hour', 'hours'],
  [60, 'minute', 'minutes'],
  [1, 'second', 'seconds'],
];

/** `600` → "10 minutes", `3600` → "hour", `36000` → "10 hours", `90` → "90 seconds". */
export function describeWindow(seconds: number): string {
  const [size, one, many] = UNITS.find(([s]) => seconds % s === 0)!;
  const n = seconds / size;
  return n === 1 ? one : `${n} ${many}`;
}

/** The reason a suppressed mail is reported failed with. */
export function suppressionReason(address: string, tier: CapTier): string {
  return `automatic mail to ${address} suppressed: over ${tier.limit} per ${describeWindow(tier.seconds)}`;
}

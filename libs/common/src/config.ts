import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's config schema; the message is one line per bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Variables whose values are never repeated in an error message. */
const SENSITIVE_NAME = /SECRET|PASSWORD|_KEY$|TOKEN/;

/**
 * Validates the environment against a zod schema once, at start-up. Every problem is named by its
 * variable so an operator can fix them all in one go.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // `VAR=` (as compose writes for an unset `${VAR:-}`) means "not set", not "set to nothing".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(environment)';
    const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
    if (value === undefined) return `${name}: ${issue.message}`;
    // A malformed secret may still be most of a real one: name it, never print it.
    return SENSITIVE_NAME.test(name) ? `${name} (value hidden): ${issue.message}` : `${name}=${JSON.stringify(value)}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/** Environment booleans: "true"/"1"/"yes" and "false"/"0"/"no", anything else is an error. */
export const envBoolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

export const envInt = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: (issue) => (issue.code === 'invalid_type' ? 'expected a number' : undefined) })
    .int('expected a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

export const envPort = (fallback: number) => envInt(fallback, 1, 65535);

export const envUrl = (protocols: string[], fallback?: string) => {
  const base = z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `expected a ${protocols.join(' or ')} URL` },
  );
  return fallback === undefined ? base : base.default(fallback);
};

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables every service reads. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DATABASE_URL: envUrl(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/switchboard'),
  REDIS_URL: envUrl(['redis', 'rediss'], 'redis://127.0.0.1:6379'),
  /** Namespaces every queue key, so several deployments (or test runs) can share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only').default('switchboard'),
  SHUTDOWN_TIMEOUT_MS: envInt(30_000, 1_000, 600_000),
});

export type BaseConfig = z.infer<typeof baseEnvSchema>;

/** A URL fit for a log line: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

import { z } from 'zod';
import { baseEnvSchema, ConfigError, envBoolean, envInt, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies defaults', () => {
    const cfg = loadConfig(baseEnvSchema, {});
    expect(cfg.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/switchboard');
    expect(cfg.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(cfg.LOG_LEVEL).toBe('info');
  });

  it('names every bad variable and its value in one message', () => {
    const schema = baseEnvSchema.extend({ PORT: envInt(3000, 1, 65535), FLAG: envBoolean(false) });
    let err: unknown;
    try {
      loadConfig(schema, { DATABASE_URL: 'mysql://x', PORT: 'abc', FLAG: 'maybe' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain('DATABASE_URL="mysql://x": expected a postgres or postgresql URL');
    expect(message).toContain('PORT="abc"');
    expect(message).toContain('FLAG="maybe": expected true or false');
  });

  it('reports a missing required variable', () => {
    expect(() => loadConfig(z.object({ JWT_SECRET: z.string().min(32) }), {})).toThrow(/JWT_SECRET: /);
  });

  it('treats an empty variable as unset', () => {
    const schema = z.object({ SECRET: z.string().min(8).optional(), LEVEL: z.string().default('info') });
    expect(loadConfig(schema, { SECRET: '', LEVEL: '' })).toEqual({ LEVEL: 'info' });
  });

  it('parses booleans', () => {
    const schema = z.object({ A: envBoolean(true), B: envBoolean(false), C: envBoolean(false) });
    expect(loadConfig(schema, { B: 'yes', C: '0' })).toEqual({ A: true, B: true, C: false });
  });
});

describe('envInt messages', () => {
  const schema = z.object({ N: envInt(5, 10, 20) });
  it.each([
    ['abc', 'N="abc": expected a number'],
    ['3', 'N="3": must be at least 10'],
    ['30', 'N="30": must be at most 20'],
    ['12.5', 'N="12.5": expected a whole number'],
  ])('%j → %s', (value, message) => {
    expect(() => loadConfig(schema, { N: value })).toThrow(message);
  });
});

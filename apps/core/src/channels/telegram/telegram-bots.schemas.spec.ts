import {
  createTelegramBotSchema,
  publicBaseUrlProblem,
  tokenBotId,
  tokenHint,
  tokenProblem,
  updateTelegramBotSchema,
  TELEGRAM_BOT_DEFAULTS,
} from './telegram-bots.schemas.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

/** The issues by path. */
function issues(schema: typeof createTelegramBotSchema | typeof updateTelegramBotSchema, body: unknown): Record<string, string> {
  const result = schema.safeParse(body);
  if (result.success) throw new Error(`expected a failure, got ${JSON.stringify(result.data)}`);
  return Object.fromEntries(result.error.issues.map((i) => [i.path.map(String).join('.'), i.message]));
}

describe('Telegram bot tokens', () => {
  it('takes what BotFather hands out and refuses the rest, saying what is wrong', () => {
    expect(tokenProblem(TOKEN)).toBeUndefined();
    expect(tokenProblem('12345:' + 'a'.repeat(30))).toBeUndefined();
    expect(tokenProblem('12345678901234567890:' + 'a'.repeat(64))).toBe('has a bot id too large to be one');
    expect(tokenProblem('')).toMatch(/copy the token from BotFather/);
    expect(tokenProblem(`bot${TOKEN}`)).toMatch(/without the "bot"/);
    for (const bad of ['1234:' + 'a'.repeat(30), '123456:' + 'a'.repeat(29), '123456:' + 'a'.repeat(65), '123456:AAH dq' + 'a'.repeat(30), 'abc:' + 'a'.repeat(35), TOKEN.replace(':', '')]) {
      expect(tokenProblem(bad)).toMatch(/^is not a Telegram bot token .*copy it from BotFather$/);
    }
  });

  it('shows the bot id and the last four characters only', () => {
    expect(tokenHint(TOKEN)).toBe('123456789:…Dsaw');
    expect(tokenBotId(TOKEN)).toBe('123456789');
    expect(tokenBotId('0012345:' + 'a'.repeat(30))).toBe('12345');
  });
});

describe('public base URLs', () => {
  it('needs https that Telegram can call, or http on a loopback host', () => {
    expect(publicBaseUrlProblem('https://support.example.com')).toBeUndefined();
    expect(publicBaseUrlProblem('https://support.example.com:8443/tg')).toBeUndefined();
    for (const ok of ['http://localhost:3002', 'http://127.0.0.1:8081', 'http://[::1]:9000', 'http://tg.localhost']) expect(publicBaseUrlProblem(ok)).toBeUndefined();
    expect(publicBaseUrlProblem('http://support.example.com')).toMatch(/must be an https:\/\/ URL/);
    expect(publicBaseUrlProblem('ftp://support.example.com')).toBe('must be an https:// URL');
    expect(publicBaseUrlProblem('support.example.com')).toMatch(/must be an absolute URL/);
    expect(publicBaseUrlProblem('https://support.example.com:3000')).toMatch(/ports 443, 80, 88, 8443/);
    expect(publicBaseUrlProblem('https://u:p@support.example.com')).toMatch(/user name or password/);
    expect(publicBaseUrlProblem('https://support.example.com/?a=1')).toMatch(/query or fragment/);
  });
});

describe('createTelegramBotSchema', () => {
  it('fills the defaults and keeps the URL without a trailing slash', () => {
    expect(createTelegramBotSchema.parse({ name: ' Support ', token: ` ${TOKEN}\n` })).toEqual({
      name: 'Support',
      token: TOKEN,
      greeting: TELEGRAM_BOT_DEFAULTS.greeting,
      mode: 'polling',
      publicBaseUrl: null,
      enabled: true,
    });
    expect(createTelegramBotSchema.parse({ name: 'S', token: TOKEN, mode: 'webhook', publicBaseUrl: 'https://x.example.com/sb//' }).publicBaseUrl).toBe(
      'https://x.example.com/sb',
    );
  });

  it('needs a public URL in webhook mode, and refuses unknown properties', () => {
    expect(issues(createTelegramBotSchema, { name: 'S', token: TOKEN, mode: 'webhook' })).toEqual({ publicBaseUrl: expect.stringContaining('is required in webhook mode') });
    expect(issues(createTelegramBotSchema, { name: 'S', token: TOKEN, greeting: ' ' })).toEqual({ greeting: 'must not be empty' });
    expect(Object.keys(issues(createTelegramBotSchema, { name: 'S', token: TOKEN, state: 'error' }))).toEqual(['']);
  });
});

describe('updateTelegramBotSchema', () => {
  it('takes any subset, and null removes the public URL', () => {
    expect(updateTelegramBotSchema.parse({ publicBaseUrl: null })).toEqual({ publicBaseUrl: null });
    expect(issues(updateTelegramBotSchema, {})).toEqual({ '': 'nothing to change: send at least one property of the bot' });
  });
});

import { loadConfig } from '@switchboard/common';
import { emailEnvSchema } from '../config.js';
import { describeWindow, parseCaps, suppressionReason } from './caps.js';

describe('EMAIL_AUTO_REPLY_CAPS', () => {
  it('parses tiers of mails per seconds, ordered by window', () => {
    expect(parseCaps('10/600,25/3600,100/36000')).toEqual([
      { limit: 10, seconds: 600 },
      { limit: 25, seconds: 3600 },
      { limit: 100, seconds: 36000 },
    ]);
    expect(parseCaps(' 100 / 36000 , 10/600 ')).toEqual([
      { limit: 10, seconds: 600 },
      { limit: 100, seconds: 36000 },
    ]);
    expect(parseCaps('5/60')).toEqual([{ limit: 5, seconds: 60 }]);
    expect(parseCaps('off')).toEqual([]);
    expect(parseCaps('OFF')).toEqual([]);
  });

  it('says what is wrong', () => {
    expect(() => parseCaps('10')).toThrow('"10" is not <mails>/<seconds>, e.g. 10/600');
    expect(() => parseCaps('10/10m')).toThrow('is not <mails>/<seconds>');
    expect(() => parseCaps('10/600,')).toThrow('expected tiers like 10/600,25/3600');
    expect(() => parseCaps('0/600')).toThrow('the number of mails must be 1 to');
    expect(() => parseCaps('10/0')).toThrow('the window must be 1 to 2592000 seconds');
    expect(() => parseCaps('10/99999999')).toThrow('the window must be');
    expect(() => parseCaps('10/600,20/600')).toThrow('two tiers have the same window');
    expect(() => parseCaps(Array.from({ length: 11 }, (_, i) => `1/${i + 1}`).join(','))).toThrow('at most 10 tiers');
  });

  it('is read from the environment, with the default tiers', () => {
    const env = { SECRETS_KEY: 'a'.repeat(64), EMAIL_SIGNING_SECRET: 'b'.repeat(32) };
    expect(loadConfig(emailEnvSchema, env).EMAIL_AUTO_REPLY_CAPS).toEqual(parseCaps('10/600,25/3600,100/36000'));
    expect(loadConfig(emailEnvSchema, { ...env, EMAIL_AUTO_REPLY_CAPS: '3/60' }).EMAIL_AUTO_REPLY_CAPS).toEqual([{ limit: 3, seconds: 60 }]);
    expect(() => loadConfig(emailEnvSchema, { ...env, EMAIL_AUTO_REPLY_CAPS: '3 per minute' })).toThrow(
      'EMAIL_AUTO_REPLY_CAPS="3 per minute": "3 per minute" is not <mails>/<seconds>',
    );
  });

  it('names the window in words', () => {
    expect(describeWindow(600)).toBe('10 minutes');
    expect(describeWindow(3600)).toBe('hour');
    expect(describeWindow(36000)).toBe('10 hours');
    expect(describeWindow(86400)).toBe('day');
    expect(describeWindow(90)).toBe('90 seconds');
    expect(describeWindow(60)).toBe('minute');
    expect(suppressionReason('ann@example.org', { limit: 10, seconds: 600 })).toBe('automatic mail to ann@example.org suppressed: over 10 per 10 minutes');
  });
});

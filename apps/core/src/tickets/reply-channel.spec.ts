import { Channel } from '@switchboard/contracts';
import { ChannelKind } from '@switchboard/db';
import { chooseReplyRoute, type ContactAddresses } from './reply-channel.js';

const addresses = (over: Partial<ContactAddresses> = {}): ContactAddresses => ({ email: [], phone: [], telegram: [], ...over });

describe('chooseReplyRoute', () => {
  it('uses the channel the agent asked for', () => {
    expect(chooseReplyRoute(addresses({ email: ['a@x.test'], phone: ['+14155550123'] }), undefined, Channel.Sms)).toEqual({
      channel: 'sms',
      address: '+14155550123',
    });
  });

  it('says why when the requested channel has no address', () => {
    expect(chooseReplyRoute(addresses({ email: ['a@x.test'] }), undefined, Channel.Telegram)).toEqual({
      error: 'the contact has no Telegram account, so the reply cannot go out by telegram',
    });
  });

  it('follows the customer: last message by Telegram → reply in that chat, from that bot', () => {
    const r = chooseReplyRoute(addresses({ email: ['a@x.test'], telegram: ['42'] }), {
      channel: ChannelKind.Telegram,
      channelAccountId: 'bot-1',
      contactAddress: '42',
      threadKey: '42',
    });
    expect(r).toEqual({ channel: 'telegram', address: '42', channelAccountId: 'bot-1', threadKey: '42' });
  });

  it('answers a web form by e-mail, to the address the visitor typed', () => {
    const r = chooseReplyRoute(addresses({ email: ['old@x.test', 'form@x.test'] }), {
      channel: ChannelKind.Webform,
      channelAccountId: 'form-1',
      contactAddress: 'form@x.test',
      threadKey: null,
    });
    expect(r).toEqual({ channel: 'email', address: 'form@x.test' });
  });

  it('falls back to e-mail, then phone, then Telegram', () => {
    expect(chooseReplyRoute(addresses({ phone: ['+14155550123'], telegram: ['42'] }), undefined)).toMatchObject({ channel: 'sms' });
    expect(chooseReplyRoute(addresses({ telegram: ['42'] }), undefined)).toMatchObject({ channel: 'telegram' });
    expect(chooseReplyRoute(addresses({ email: ['a@x.test'], telegram: ['42'] }), undefined)).toMatchObject({ channel: 'email' });
  });

  it('falls back when the last channel has no address any more', () => {
    const r = chooseReplyRoute(addresses({ email: ['a@x.test'] }), { channel: ChannelKind.Sms, channelAccountId: 'n', contactAddress: '+1', threadKey: null });
    expect(r).toEqual({ channel: 'email', address: 'a@x.test' });
  });

  it('explains when nothing is reachable', () => {
    expect(chooseReplyRoute(addresses(), undefined)).toHaveProperty('error', expect.stringContaining('no e-mail address, phone number or Telegram'));
  });
});

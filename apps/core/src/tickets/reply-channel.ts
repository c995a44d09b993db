import { Channel, type OutboundChannel } from '@switchboard/contracts';
import { ChannelKind, IdentityKind } from '@switchboard/db';

export interface ContactAddresses {
  email: string[];
  phone: string[];
  telegram: string[];
}

export interface LastInbound {
  channel: ChannelKind;
  channelAccountId: string | null;
  contactAddress: string | null;
  threadKey: string | null;
}

export interface ReplyRoute {
  channel: OutboundChannel;
  address: string;
  /** Reply from the account the customer wrote to, when the route follows their last message. */
  channelAccountId?: string;
  threadKey?: string;
}

const KIND_OF: Record<OutboundChannel, IdentityKind> = {
  [Channel.Email]: IdentityKind.Email,
  [Channel.Sms]: IdentityKind.Phone,
  [Channel.Telegram]: IdentityKind.Telegram,
};

const NOUN: Record<OutboundChannel, string> = {
  [Channel.Email]: 'e-mail address',
  [Channel.Sms]: 'phone number',
  [Channel.Telegram]: 'Telegram account',
};

/** Which outbound channel a web form or other inbound-only channel answers on. */
function answeringChannel(kind: ChannelKind): OutboundChannel | undefined {
  switch (kind) {
    case ChannelKind.Email:
    case ChannelKind.Webform:
      return Channel.Email;
    case ChannelKind.Sms:
      return Channel.Sms;
    case ChannelKind.Telegram:
      return Channel.Telegram;
    default:
      return undefined;
  }
}

/**
 * Where a public reply goes: the channel the agent chose; else the channel of the customer's last
 * message (a web form answers by e-mail); else the contact's e-mail, phone, Telegram in that
 * order. Returns a sentence for the agent when nothing is reachable.
 */
export function chooseReplyRoute(
  addresses: ContactAddresses,
  lastInbound: LastInbound | undefined,
  requested?: OutboundChannel,
): ReplyRoute | { error: string } {
  const addressOn = (ch: OutboundChannel): string | undefined => {
    const list = addresses[KIND_OF[ch]];
    // Prefer the very address the customer last wrote from.
    if (lastInbound?.contactAddress && answeringChannel(lastInbound.channel) === ch && list.includes(lastInbound.contactAddress)) {
      return lastInbound.contactAddress;
    }
    return list[0];
  };
  const route = (ch: OutboundChannel): ReplyRoute | undefined => {
    const address = addressOn(ch);
    if (!address) return undefined;
    const follows = lastInbound && answeringChannel(lastInbound.channel) === ch && lastInbound.channel !== ChannelKind.Webform;
    return {
      channel: ch,
      address,
      ...(follows && lastInbound.channelAccountId ? { channelAccountId: lastInbound.channelAccountId } : {}),
      ...(follows && lastInbound.threadKey ? { threadKey: lastInbound.threadKey } : {}),
    };
  };

  if (requested) {
    return route(requested) ?? { error: `the contact has no ${NOUN[requested]}, so the reply cannot go out by ${requested}` };
  }
  const last = lastInbound ? answeringChannel(lastInbound.channel) : undefined;
  for (const ch of [last, Channel.Email, Channel.Sms, Channel.Telegram] as const) {
    const r = ch && route(ch);
    if (r) return r;
  }
  return { error: 'the contact has no e-mail address, phone number or Telegram account to send a reply to; add one to the contact or post an internal note' };
}

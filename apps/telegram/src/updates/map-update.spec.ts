import type { Update } from 'telegraf/types';
import { callbackData, parseCallback, planUpdate, sharedPhone } from './map-update.js';

const from = { id: 5001, is_bot: false, first_name: 'Alice', last_name: 'Smith', username: 'alice_s' };
const chat = { id: 5001, type: 'private' as const, first_name: 'Alice' };
const msg = (extra: Record<string, unknown>, id = 7) => ({ update_id: 100, message: { message_id: id, date: 1_790_000_000, chat, from, ...extra } }) as unknown as Update;

describe('planUpdate', () => {
  it('turns a text into a message with the sender, a stable external id and the first line as subject', () => {
    const plan = planUpdate(msg({ text: '\nMy printer is on fire\nand smoking' }));
    expect(plan).toMatchObject({
      kind: 'message',
      message: {
        chatId: '5001',
        externalId: '5001:7',
        subject: 'My printer is on fire',
        text: '\nMy printer is on fire\nand smoking',
        sender: { telegramId: '5001', displayName: 'Alice Smith', telegramUsername: 'alice_s' },
        receivedAt: new Date(1_790_000_000_000).toISOString(),
        files: [],
      },
    });
  });

  it('takes the largest photo size and a document with its real name and type', () => {
    const photo = planUpdate(
      msg({
        caption: 'see the label',
        photo: [
          { file_id: 's', file_unique_id: 's', width: 90, height: 90, file_size: 900 },
          { file_id: 'l', file_unique_id: 'l', width: 1280, height: 960, file_size: 90_000 },
          { file_id: 'm', file_unique_id: 'm', width: 320, height: 240, file_size: 9_000 },
        ],
      }),
    );
    expect(photo).toMatchObject({ kind: 'message', message: { text: 'see the label', files: [{ fileId: 'l', filename: 'photo-7.jpg', contentType: 'image/jpeg', size: 90_000 }] } });
    const doc = planUpdate(msg({ document: { file_id: 'd', file_unique_id: 'd', file_name: 'invoice.pdf', mime_type: 'application/pdf', file_size: 1234 } }));
    expect(doc).toMatchObject({ kind: 'message', message: { subject: 'Document invoice.pdf', files: [{ fileId: 'd', filename: 'invoice.pdf', contentType: 'application/pdf' }] } });
  });

  it('keeps stickers and locations as text notes, and never drops an unknown kind', () => {
    const sticker = planUpdate(msg({ sticker: { file_id: 'x', file_unique_id: 'x', emoji: '👍', set_name: 'Hands', width: 1, height: 1, is_animated: false, is_video: false, type: 'regular' } }));
    expect(sticker).toMatchObject({ kind: 'message', message: { text: '[Sticker 👍 from the set "Hands"]', files: [] } });
    const location = planUpdate(msg({ location: { latitude: 52.52, longitude: 13.405 } }));
    expect(location).toMatchObject({ kind: 'message', message: { subject: 'Location' } });
    expect((location as { message: { text: string } }).message.text).toContain('52.52, 13.405');
    const poll = planUpdate(msg({ poll: { id: 'p' } }));
    expect((poll as { message: { text: string } }).message.text).toContain('poll');
  });

  it('reads /start, /help and /new (with a question after it) as commands', () => {
    expect(planUpdate(msg({ text: '/start' }))).toMatchObject({ kind: 'command', command: 'start', message: undefined });
    expect(planUpdate(msg({ text: '/help@acme_bot' }))).toMatchObject({ kind: 'command', command: 'help' });
    expect(planUpdate(msg({ text: '/new Second printer broke too' }))).toMatchObject({
      kind: 'command',
      command: 'new',
      message: { text: 'Second printer broke too', subject: 'Second printer broke too', externalId: '5001:7' },
    });
    expect(planUpdate(msg({ text: '/newish thing' }))).toMatchObject({ kind: 'message' });
  });

  it('takes a shared contact as the customer’s phone only when it is their own', () => {
    expect(planUpdate(msg({ contact: { phone_number: '79001234567', first_name: 'Alice', user_id: 5001 } }))).toMatchObject({
      kind: 'contact-shared',
      sender: { telegramId: '5001', phone: '+79001234567' },
    });
    expect(planUpdate(msg({ contact: { phone_number: '+14155550123', first_name: 'Bob', user_id: 42 } }))).toMatchObject({ kind: 'message' });
  });

  it('turns an edit into an edit of the same external id, and a button into a callback', () => {
    const edit = { update_id: 101, edited_message: { message_id: 7, date: 1, edit_date: 2, chat, from, text: 'fixed typo' } } as unknown as Update;
    expect(planUpdate(edit)).toMatchObject({ kind: 'edit', externalId: '5001:7', text: 'fixed typo' });
    const cb = { update_id: 102, callback_query: { id: 'cq1', from, chat_instance: 'x', data: 'sv:abc', message: { message_id: 9, date: 1, chat } } } as unknown as Update;
    expect(planUpdate(cb)).toMatchObject({ kind: 'callback', callbackId: 'cq1', chatId: '5001', botMessageId: 9, data: 'sv:abc' });
  });

  it('ignores groups, bots and membership changes, saying why', () => {
    const group = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: -5, type: 'group', title: 'g' }, from, text: 'hi' } } as unknown as Update;
    expect(planUpdate(group)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('group') });
    expect(planUpdate(msg({ text: 'hi', from: { ...from, is_bot: true } }))).toMatchObject({ kind: 'ignore' });
    const kicked = { update_id: 2, my_chat_member: { chat, from, date: 1, old_chat_member: { status: 'member' }, new_chat_member: { status: 'kicked' } } } as unknown as Update;
    expect(planUpdate(kicked)).toMatchObject({ kind: 'ignore', reason: 'the customer blocked the bot' });
  });
});

describe('callback data', () => {
  const ticketId = '0b8f2a52-6f0e-4c1e-9a57-2b9a7b0e3c11';
  it('round-trips and fits Telegram’s 64 bytes', () => {
    for (const action of [
      { kind: 'solved' as const, ticketId, solved: true },
      { kind: 'solved' as const, ticketId, solved: false },
      { kind: 'rating' as const, ticketId, rating: 4 },
    ]) {
      const data = callbackData(action);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(parseCallback(data)).toEqual(action);
    }
  });
  it('refuses anything else', () => {
    expect(parseCallback(`rt:${ticketId}:6`)).toBeUndefined();
    expect(parseCallback(`sv:${ticketId}:3`)).toBeUndefined();
    expect(parseCallback('close')).toBeUndefined();
  });
});

describe('sharedPhone', () => {
  it('normalises to E.164 with or without the plus, and refuses junk', () => {
    expect(sharedPhone('79001234567')).toBe('+79001234567');
    expect(sharedPhone('+1 415 555 0123')).toBe('+14155550123');
    expect(sharedPhone('12')).toBeUndefined();
  });
});

import { addParticipantSchema, participantKindParam, participantPairs } from './participants.schemas.js';

describe('addParticipantSchema', () => {
  it('normalises like contact identities', () => {
    const input = addParticipantSchema.parse({ email: ' Ann@Example.COM ', phone: '0044 20 7183 8750' });
    expect(input).toEqual({ email: 'ann@example.com', phone: '+442071838750' });
    expect(participantPairs(input)).toEqual([
      ['email', 'ann@example.com'],
      ['phone', '+442071838750'],
    ]);
  });

  it('needs one of email or phone, valid, and nothing else', () => {
    const messages = (body: unknown) => addParticipantSchema.safeParse(body).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages({})).toEqual([': send an email or a phone (or both) to add as a participant']);
    expect(messages({ email: 'nope' })).toEqual(['email: "nope" is not a valid e-mail address: expected name@domain']);
    expect(messages({ phone: '020 7183 8750' })).toEqual([
      'phone: "020 7183 8750" is not a valid phone number: write it in international format with the country code, e.g. +44 20 7183 8750',
    ]);
    expect(messages({ telegramId: '1' })).toContain(': Unrecognized key: "telegramId"');
  });

  it('takes email or phone as the kind of a path', () => {
    expect(participantKindParam.parse('phone')).toBe('phone');
    expect(participantKindParam.safeParse('telegram').success).toBe(false);
  });
});

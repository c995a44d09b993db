import { parseMentions } from './mentions.js';

describe('parseMentions', () => {
  const id = '0b9c2f5e-6a43-4f0e-9a57-1c0e7c1b2d3e';

  it('finds console tokens and @e-mail mentions, once each, lower-cased', () => {
    expect(parseMentions(`@[Anna Petrova](agent:${id.toUpperCase()}) please look, cc @Bob@Example.com and @bob@example.com.`)).toEqual({
      agentIds: [id],
      emails: ['bob@example.com'],
    });
  });

  it('ignores plain addresses and text without mentions', () => {
    expect(parseMentions('write to anna@example.com or see @anna')).toEqual({ agentIds: [], emails: [] });
  });

  it('does not read the name inside a token as a mention', () => {
    expect(parseMentions(`@[x@y.org](agent:${id})`)).toEqual({ agentIds: [id], emails: [] });
  });
});

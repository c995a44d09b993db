import { presenceAgents, type PresenceEntry } from './presence.js';

describe('presenceAgents', () => {
  const now = 1_000_000;
  const entry = (over: Partial<PresenceEntry>): PresenceEntry => ({ agentId: 'a', name: 'Anna', typingUntil: 0, seenAt: now, ...over });

  it('is one row per agent, typing if any of their tabs types, ordered by name', () => {
    const agents = presenceAgents(
      [entry({ agentId: 'z', name: 'Zoe' }), entry({}), entry({ typingUntil: now + 1_000 }), entry({ agentId: 'b', name: 'Bob', typingUntil: now - 1 })],
      now,
      30_000,
    );
    expect(agents).toEqual([
      { agentId: 'a', name: 'Anna', typing: true },
      { agentId: 'b', name: 'Bob', typing: false },
      { agentId: 'z', name: 'Zoe', typing: false },
    ]);
  });

  it('leaves out entries whose replica stopped refreshing them', () => {
    expect(presenceAgents([entry({ seenAt: now - 30_001 }), entry({ agentId: 'b', name: 'Bob', seenAt: now - 29_999 })], now, 30_000)).toEqual([
      { agentId: 'b', name: 'Bob', typing: false },
    ]);
  });
});

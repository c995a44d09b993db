import { REFERENCE_PATTERN, submissionReference } from './reference.js';

describe('submissionReference', () => {
  const secret = 'x'.repeat(32);
  const key = '3b241101-e2bb-4255-8caf-4136c566a962';

  it('is stable for one form and key, whatever the key’s case', () => {
    expect(submissionReference(secret, 'f1', key)).toBe(submissionReference(secret, 'f1', key.toUpperCase()));
    expect(submissionReference(secret, 'f1', key)).toMatch(REFERENCE_PATTERN);
  });

  it('differs between forms, keys and secrets', () => {
    const base = submissionReference(secret, 'f1', key);
    expect(submissionReference(secret, 'f2', key)).not.toBe(base);
    expect(submissionReference(secret, 'f1', key.replace('3b', '3c'))).not.toBe(base);
    expect(submissionReference('y'.repeat(32), 'f1', key)).not.toBe(base);
  });
});

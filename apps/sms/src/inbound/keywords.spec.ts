import { keywordOf } from './keywords.js';

describe('keywordOf', () => {
  it('knows the opt-out and opt-in words, in any case, with spaces and a final stop', () => {
    for (const t of ['STOP', 'stop', ' Stop. ', 'Unsubscribe!', 'СТОП', 'стоп', 'opt out']) expect(keywordOf(t)).toBe('opt-out');
    for (const t of ['START', 'start', 'Unstop', 'СТАРТ']) expect(keywordOf(t)).toBe('opt-in');
  });

  it('leaves sentences that merely contain a keyword alone', () => {
    for (const t of ['stop sending me invoices', 'please start the refund', 'STOP IT NOW', '']) expect(keywordOf(t)).toBeUndefined();
  });
});

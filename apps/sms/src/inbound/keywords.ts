/**
 * Opt-out and opt-in keywords, as carriers and providers use them (the CTIA list, and the Russian
 * words customers write). The whole message must be the keyword (case, spaces and a trailing
 * full stop or exclamation mark aside): "stop sending me the invoice" is a message, not an opt-out.
 */
const STOP = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE', 'СТОП', 'ОТПИСАТЬСЯ', 'ОТПИСКА']);
const START = new Set(['START', 'UNSTOP', 'YES', 'OPTIN', 'СТАРТ', 'ПОДПИСАТЬСЯ']);

export type Keyword = 'opt-out' | 'opt-in';

export function keywordOf(text: string): Keyword | undefined {
  const word = text.trim().replace(/[.!]+$/, '').replace(/\s+/g, '').toUpperCase();
  if (STOP.has(word)) return 'opt-out';
  if (START.has(word)) return 'opt-in';
  return undefined;
}

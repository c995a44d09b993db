/**
 * SMS.ru's status codes (https://sms.ru/api/send, https://sms.ru/api/status): what a send
 * error means for the message, and what a status callback means for its receipt. SPEC.md beside
 * this file has the full table.
 */
import { SmsSendError, type DeliveryReceipt } from '../provider.js';

/** Error codes of /sms/send (request-wide or per number) worth retrying later. */
const TRANSIENT_SEND_CODES = new Set([
  206, // the account's daily sending limit is (or would be) exceeded
  220, // the service is temporarily unavailable
  230, // too many messages to this number today
  231, // too many identical messages to this number in a minute
  232, // too many identical messages to this number today
  233, // too many repeated messages with a code to this number in a short time
  500, // server error, repeat the request
]);

/** What an SMS.ru error code (other than 100) means for a send. */
export function classifySmsRuError(statusCode: number | undefined, statusText: string | undefined, to?: string): SmsSendError {
  const code = statusCode === undefined || Number.isNaN(statusCode) ? 'unknown' : String(statusCode);
  const transient = statusCode !== undefined && (TRANSIENT_SEND_CODES.has(statusCode) || statusCode >= 500);
  const text = statusText?.trim() || 'no status_text';
  return new SmsSendError(transient ? 'transient' : 'permanent', code, `SMS.ru refused the message${to ? ` to ${to}` : ''} (${code}): ${text}`);
}

/** Status codes of a message (status callbacks, /sms/status) and their receipt; codes not listed produce none. */
const RECEIPT_STATUS: Record<number, DeliveryReceipt['status']> = {
  102: 'sent', // sent, on its way
  103: 'delivered',
  110: 'delivered', // read (Viber)
  104: 'failed', // expired
  105: 'failed', // deleted by the operator
  106: 'failed', // phone failure
  107: 'failed', // unknown reason
  108: 'failed', // rejected
  150: 'failed', // no route to the number
};

/** The texts SMS.ru gives the failure codes (its status_text), for receipts' `error`. */
export const FAILURE_TEXT: Record<number, string> = {
  104: 'cannot be delivered: lifetime expired',
  105: 'cannot be delivered: deleted by the operator',
  106: 'cannot be delivered: phone failure',
  107: 'cannot be delivered: unknown reason',
  108: 'cannot be delivered: rejected',
  150: 'cannot be delivered: no route to this number',
};

/** The receipt status of an SMS.ru message status code, or undefined (100 queued, 101 handed to the operator, -1 not found …). */
export function receiptStatus(statusCode: number): DeliveryReceipt['status'] | undefined {
  return RECEIPT_STATUS[statusCode];
}

/**
 * SMPP command_status values: names, the code string SmsSendError carries ("0x0000000B"), and
 * whether a failed submit_sm is worth retrying.
 */
import { SmsSendError } from '../provider.js';

export const ESME = {
  ROK: 0x00,
  RINVMSGLEN: 0x01,
  RINVCMDLEN: 0x02,
  RINVCMDID: 0x03,
  RINVBNDSTS: 0x04,
  RALYBND: 0x05,
  RINVPRTFLG: 0x06,
  RINVREGDLVFLG: 0x07,
  RSYSERR: 0x08,
  RINVSRCADR: 0x0a,
  RINVDSTADR: 0x0b,
  RINVMSGID: 0x0c,
  RBINDFAIL: 0x0d,
  RINVPASWD: 0x0e,
  RINVSYSID: 0x0f,
  RMSGQFUL: 0x14,
  RINVSERTYP: 0x15,
  RINVESMCLASS: 0x43,
  RSUBMITFAIL: 0x45,
  RINVSRCTON: 0x48,
  RINVSRCNPI: 0x49,
  RINVDSTTON: 0x50,
  RINVDSTNPI: 0x51,
  RINVSYSTYP: 0x53,
  RINVREPFLAG: 0x54,
  RTHROTTLED: 0x58,
  RINVSCHED: 0x61,
  RINVEXPIRY: 0x62,
  RINVDFTMSGID: 0x63,
  RX_T_APPN: 0x64,
  RX_P_APPN: 0x65,
  RX_R_APPN: 0x66,
  RINVTLVSTREAM: 0xc0,
  RTLVNOTALLWD: 0xc1,
  RINVTLVLEN: 0xc2,
  RMISSINGTLV: 0xc3,
  RINVTLVVAL: 0xc4,
  RDELIVERYFAILURE: 0xfe,
  RUNKNOWNERR: 0xff,
  RSERTYPUNAUTH: 0x100,
  RPROHIBITED: 0x101,
  RSERTYPUNAVAIL: 0x102,
  RSERTYPDENIED: 0x103,
  RINVDCS: 0x104,
  RINVSRCADDRSUBUNIT: 0x105,
  RINVDSTADDRSUBUNIT: 0x106,
} as const;

const NAMES = new Map<number, string>(Object.entries(ESME).map(([name, value]) => [value, `ESME_${name}`]));

/** "0x0000000B", as SmsSendError.code carries an SMPP command_status. */
export function statusCode(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** "ESME_RINVDSTADR (0x0000000B)", or just the code for a status without a standard name. */
export function describeStatus(status: number): string {
  const name = NAMES.get(status);
  return name ? `${name} (${statusCode(status)})` : statusCode(status);
}

/**
 * submit_sm statuses where the same message may go through later: the SMSC is busy, throttling,
 * out of sorts, or the session is not (or no longer) bound.
 */
const TRANSIENT_SUBMIT = new Set<number>([
  ESME.RTHROTTLED,
  ESME.RMSGQFUL,
  ESME.RSYSERR,
  ESME.RINVBNDSTS,
  ESME.RX_T_APPN,
  ESME.RUNKNOWNERR,
]);

/** submit_sm statuses about the message itself (addresses, parameters, content, permissions): retrying cannot help. */
const PERMANENT_SUBMIT = new Set<number>([
  ESME.RINVMSGLEN,
  ESME.RINVCMDLEN,
  ESME.RINVCMDID,
  ESME.RINVPRTFLG,
  ESME.RINVREGDLVFLG,
  ESME.RINVSRCADR,
  ESME.RINVDSTADR,
  ESME.RINVSERTYP,
  ESME.RINVESMCLASS,
  ESME.RINVSRCTON,
  ESME.RINVSRCNPI,
  ESME.RINVDSTTON,
  ESME.RINVDSTNPI,
  ESME.RINVREPFLAG,
  ESME.RINVSCHED,
  ESME.RINVEXPIRY,
  ESME.RINVDFTMSGID,
  ESME.RX_P_APPN,
  ESME.RX_R_APPN,
  ESME.RINVTLVSTREAM,
  ESME.RTLVNOTALLWD,
  ESME.RINVTLVLEN,
  ESME.RMISSINGTLV,
  ESME.RINVTLVVAL,
  ESME.RDELIVERYFAILURE,
  ESME.RSERTYPUNAUTH,
  ESME.RPROHIBITED,
  ESME.RSERTYPUNAVAIL,
  ESME.RSERTYPDENIED,
  ESME.RINVDCS,
  ESME.RINVSRCADDRSUBUNIT,
  ESME.RINVDSTADDRSUBUNIT,
]);

/**
 * Whether a submit_sm that failed with `status` may be retried. Statuses listed as permanent are
 * about the message; everything else, including vendor-specific codes (0x400–0x4FF) and
 * ESME_RSUBMITFAIL, is treated as transient: the service's bounded retries decide.
 */
export function submitFailureKind(status: number): 'transient' | 'permanent' {
  if (TRANSIENT_SUBMIT.has(status)) return 'transient';
  return PERMANENT_SUBMIT.has(status) ? 'permanent' : 'transient';
}

/** bind_*_resp statuses that mean "these credentials / this account will not bind": stop retrying. */
const REFUSED_BIND = new Set<number>([
  ESME.RBINDFAIL,
  ESME.RINVPASWD,
  ESME.RINVSYSID,
  ESME.RINVSYSTYP,
  ESME.RINVSERTYP,
  ESME.RPROHIBITED,
]);

/**
 * Whether a failed bind is a refusal (wrong credentials, account disabled: report 'refused' and
 * stop) rather than a passing condition (ESME_RSYSERR, ESME_RALYBND while the SMSC still holds an
 * old session, throttling …: reconnect with backoff). Unknown statuses count as refusals, so a
 * misconfigured channel does not hammer the SMSC.
 */
export function bindRefused(status: number): boolean {
  if (REFUSED_BIND.has(status)) return true;
  return !(status === ESME.RSYSERR || status === ESME.RALYBND || status === ESME.RTHROTTLED || status === ESME.RMSGQFUL || status === ESME.RX_T_APPN);
}

/**
 * Codes of SmppSendErrors that are not an SMSC command_status.
 * - TIMEOUT: no submit_sm_resp in time (the SMSC may still have accepted it).
 * - CONNECTION_LOST: the session closed before the submit_sm_resp (likewise ambiguous).
 * - NOT_BOUND: no bound session within bindWaitMs.
 * - BIND_REFUSED: the SMSC refused the credentials; sends fail until the channel is fixed.
 * - STOPPED: the provider is not started (or was stopped).
 * - EMPTY_MESSAGE, TOO_MANY_SEGMENTS: nothing / too much to send (permanent).
 * - BAD_ENCODING: a segment holds characters its encoding cannot carry (permanent; EncodedText
 *   not made by encodeText()).
 */
export type LocalErrorCode =
  | 'TIMEOUT'
  | 'CONNECTION_LOST'
  | 'NOT_BOUND'
  | 'BIND_REFUSED'
  | 'STOPPED'
  | 'EMPTY_MESSAGE'
  | 'TOO_MANY_SEGMENTS'
  | 'BAD_ENCODING';

/** A segment the SMSC accepted (it has a message id, and a receipt may follow). */
export interface AcceptedSegment {
  /** 1-based, as in the UDH. */
  seq: number;
  messageId: string;
}

/**
 * A failed SMPP send. It is an SmsSendError (kind, code); additionally it lists the segments of
 * the message that the SMSC did accept before the failure: a retry resends them (the handset
 * joins the duplicates by the same UDH reference), and receipts may still arrive for these ids.
 */
export class SmppSendError extends SmsSendError {
  constructor(
    kind: 'transient' | 'permanent',
    code: string,
    message: string,
    readonly accepted: AcceptedSegment[] = [],
    options?: { cause?: unknown },
  ) {
    super(kind, code, message, options);
  }
}

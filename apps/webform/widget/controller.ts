/*
 * One embedded form: loads its definition, renders it once the page has a body, and runs it:
 * opening and closing the dialog (focus trap, Escape), validation on blur and on submit with the
 * server's own rules, file choice, the submission with its retries, and the success view.
 */
import { checkField, checkSubmission, type PublicWebform, type SubmittedValue } from '../../../libs/contracts/src/webform.js';
import { createApi, isObj, readForm, readOutcome, type Api, type ApiFailure, type SubmissionOutcome } from './api.js';
import { attr, h, icon, ICON } from './dom.js';
import { render, type FieldView, type View } from './render.js';
import { applyTheme } from './styles.js';
import { addFiles, formatBytes, newState, successText, type FormState } from './state.js';

export interface Instance {
  key: string;
  /** Resolves true once the launcher is on the page, false if the form could not be loaded. */
  ready: Promise<boolean>;
  open(): void;
  close(): void;
}

const NETWORK_MESSAGE = 'Could not send your request. Check your connection and try again.';
const FIX_MESSAGE = 'Please correct the highlighted fields.';
const LOAD_ATTEMPTS = 4;
const POLL_EVERY_MS = 2_000;
const POLL_FOR_MS = 60_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const warn = (message: string): void => {
  if (typeof console === 'object' && typeof console.warn === 'function') console.warn(`[switchboard webform] ${message}`);
};

function whenBody(): Promise<void> {
  if (document.body) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (): void => {
      if (!document.body) return;
      document.removeEventListener('DOMContentLoaded', check);
      document.removeEventListener('readystatechange', check);
      resolve();
    };
    document.addEventListener('DOMContentLoaded', check);
    // `readystatechange` also covers a document that has its body but whose load already fired.
    document.addEventListener('readystatechange', check);
  });
}

/** `GET /forms/:key`, retried with backoff (1 s, 3 s, 9 s) when the network or the server fails. */
async function loadForm(api: Api, key: string): Promise<PublicWebform | undefined> {
  for (let attempt = 1; ; attempt++) {
    const res = await api.form();
    if (res.ok) {
      const form = readForm(res.data, key);
      if (!form) warn(`form "${key}": unexpected answer from the server.`);
      return form;
    }
    const retryable = res.status === 0 || res.status >= 500 || res.status === 429;
    if (!retryable || attempt >= LOAD_ATTEMPTS) {
      warn(`form "${key}" could not be loaded (${res.status ? `HTTP ${res.status}${res.message ? `: ${res.message}` : ''}` : 'network error'}).`);
      return undefined;
    }
    await sleep(1000 * Math.pow(3, attempt - 1));
  }
}

export function mount(base: string, key: string): Instance {
  const api = createApi(base, key);
  let controls: { open(): void; close(): void } | undefined;
  let openWhenReady = false;

  const ready = (async (): Promise<boolean> => {
    const form = await loadForm(api, key);
    if (!form) return false;
    await whenBody();
    controls = run(api, { ...form, key });
    if (openWhenReady) controls.open();
    return true;
  })().catch((e: unknown) => {
    warn(`form "${key}" failed: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  });

  return {
    key,
    ready,
    open() {
      if (controls) controls.open();
      else openWhenReady = true;
    },
    close() {
      openWhenReady = false;
      controls?.close();
    },
  };
}

/** Renders the form into the page and wires its behaviour. */
function run(api: Api, form: PublicWebform): { open(): void; close(): void } {
  const v: View = render(form, form.honeypotField);
  document.body.appendChild(v.host);
  applyTheme(v.root, form.colors);

  let state: FormState = newState();
  let isOpen = false;

  // ---- session -------------------------------------------------------------------------------

  /** Makes sure the form state has a fill-session token; resolves the failure if none could be had. */
  function ensureSession(s: FormState = state): Promise<ApiFailure | undefined> {
    if (s.token) return Promise.resolve(undefined);
    s.session ??= api.session().then((res): ApiFailure | undefined => {
      s.session = undefined;
      if (!res.ok) return res;
      if (!isObj(res.data) || typeof res.data.token !== 'string') return { ok: false, status: 0, code: 'bad_answer', message: '' };
      const minFill = typeof res.data.minFillMs === 'number' ? res.data.minFillMs : 0;
      s.token = res.data.token;
      s.readyAt = Date.now() + Math.max(0, minFill);
      return undefined;
    });
    return s.session;
  }

  // ---- open / close / focus ------------------------------------------------------------------

  function focusables(): HTMLElement[] {
    return Array.from(v.panel.querySelectorAll<HTMLElement>('button,input,select,textarea,a[href],[tabindex]')).filter(
      (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0,
    );
  }

  function focusStart(): void {
    if (!v.success.hidden) v.successText.focus();
    else (v.fields[0]?.input ?? focusables()[0])?.focus();
  }

  function open(): void {
    if (isOpen) return;
    isOpen = true;
    v.panel.hidden = false;
    v.backdrop.hidden = false;
    v.launcher.setAttribute('aria-expanded', 'true');
    void ensureSession();
    focusStart();
  }

  function close(returnFocus = true): void {
    if (!isOpen) return;
    isOpen = false;
    v.panel.hidden = true;
    v.backdrop.hidden = true;
    v.launcher.setAttribute('aria-expanded', 'false');
    if (returnFocus) v.launcher.focus();
  }

  v.launcher.addEventListener('click', () => (isOpen ? close() : open()));
  v.close.addEventListener('click', () => close());
  v.backdrop.addEventListener('click', () => close());
  // Pressing these keeps the focus where it is, so closing does not first blur (and flag) a field.
  v.close.addEventListener('mousedown', (e) => e.preventDefault());
  v.backdrop.addEventListener('mousedown', (e) => e.preventDefault());
  v.launcher.addEventListener('mousedown', (e) => {
    if (isOpen) e.preventDefault();
  });

  v.root.addEventListener('keydown', (e: KeyboardEvent) => {
    if (!isOpen) return;
    if (e.key === 'Escape' || e.key === 'Esc') {
      e.preventDefault();
      e.stopPropagation();
      close();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = focusables();
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const active = v.shadow.activeElement;
    const inside = !!active && v.panel.contains(active);
    if (e.shiftKey && (active === first || !inside)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !inside)) {
      e.preventDefault();
      first.focus();
    }
  });

  // A modal dialog keeps the focus: if it lands on the page while open, bring it back to where it
  // was. (Another form's host is left alone, so two open forms never fight over the focus.)
  let lastFocused: HTMLElement | undefined;
  v.panel.addEventListener('focusin', (e) => {
    if (e.target instanceof HTMLElement) lastFocused = e.target;
  });
  document.addEventListener('focusin', (e) => {
    if (!isOpen || (e.target instanceof Element && e.target.hasAttribute('data-switchboard-form'))) return;
    if (lastFocused && focusables().includes(lastFocused)) lastFocused.focus();
    else focusStart();
  });

  // ---- validation ----------------------------------------------------------------------------

  const valueOf = (fv: FieldView): SubmittedValue => (fv.field.type === 'checkbox' ? (fv.input as HTMLInputElement).checked : fv.input.value);

  function showError(fv: FieldView, message?: string): void {
    fv.error.textContent = message ?? '';
    attr(fv.input, 'aria-invalid', message ? 'true' : null);
  }

  const isEmpty = (fv: FieldView): boolean => {
    const value = valueOf(fv);
    return value === false || (typeof value === 'string' && !value.trim());
  };

  /**
   * Re-checks a field marked invalid as the visitor fixes it, with the whole form's rules: filling
   * the e-mail also clears the empty phone's "Leave an e-mail or a phone number" (other fields are
   * re-checked only when empty, so a server's message about a typed value stays). Once no field
   * is marked, "Please correct the highlighted fields." goes too.
   */
  function recheck(edited: FieldView): void {
    const raw: Record<string, SubmittedValue> = {};
    for (const fv of v.fields) raw[fv.field.name] = valueOf(fv);
    const result = checkSubmission(form.fields, raw);
    const errors: Record<string, string> = result.ok ? {} : result.errors;
    for (const fv of v.fields) {
      if (fv === edited || (fv.input.getAttribute('aria-invalid') && isEmpty(fv))) showError(fv, errors[fv.field.name]);
    }
    if (v.status.textContent === FIX_MESSAGE && !v.fields.some((fv) => fv.input.getAttribute('aria-invalid'))) setStatus('');
  }

  for (const fv of v.fields) {
    const check = (): void => showError(fv, checkField(fv.field, valueOf(fv)));
    fv.input.addEventListener('blur', () => {
      if (isOpen) check();
    });
    // Once marked invalid, a field is re-checked as the visitor fixes it.
    fv.input.addEventListener(fv.field.type === 'checkbox' || fv.field.type === 'select' ? 'change' : 'input', () => {
      if (fv.input.getAttribute('aria-invalid')) recheck(fv);
    });
  }

  function setStatus(message: string, isError = false): void {
    v.status.textContent = message;
    v.status.className = isError && message ? 'st e' : 'st';
  }

  /** Shows field errors (from the browser's or the server's check); focuses the first. */
  function showFieldErrors(errors: Record<string, string>): void {
    let first: FieldView | undefined;
    for (const fv of v.fields) {
      const message = errors[fv.field.name];
      showError(fv, message);
      if (message && !first) first = fv;
    }
    first?.input.focus();
  }

  // ---- files ---------------------------------------------------------------------------------

  const files = v.files;

  function renderFileList(): void {
    if (!files) return;
    files.list.textContent = '';
    state.files.forEach((file, index) => {
      const remove = h('button', { type: 'button', class: 'x', 'aria-label': `Remove ${file.name}` }, icon(ICON.close, 16));
      remove.addEventListener('click', () => {
        state.files = state.files.filter((_, i) => i !== index);
        files.error.textContent = '';
        renderFileList();
        files.input.focus();
      });
      files.list.append(h('li', null, h('span', { class: 'fn', title: file.name }, file.name), h('span', { class: 'fs' }, formatBytes(file.size)), remove));
    });
  }

  if (files) {
    files.input.addEventListener('change', () => {
      const picked = Array.from(files.input.files ?? []);
      const result = addFiles(state.files, picked, form.files);
      state.files = result.files;
      files.error.textContent = result.problems.join(' ');
      // Cleared so that picking the same file again (after removing it) fires `change` again.
      files.input.value = '';
      renderFileList();
    });
  }

  // ---- submission ----------------------------------------------------------------------------

  function setSending(sending: boolean): void {
    state.sending = sending;
    attr(v.submit, 'aria-disabled', sending ? 'true' : null);
    attr(v.submit, 'aria-busy', sending ? 'true' : null);
    v.submit.textContent = sending ? 'Sending…' : form.buttonLabel;
  }

  function showFailure(res: ApiFailure): void {
    if (res.status === 0 || res.status >= 500) {
      setStatus(NETWORK_MESSAGE, true);
    } else if (res.status === 422 && res.code === 'validation_failed') {
      const details = isObj(res.details) ? res.details : {};
      const fieldErrors: Record<string, string> = {};
      const other: string[] = [];
      if (isObj(details.fields)) {
        for (const [name, message] of Object.entries(details.fields)) {
          const text = typeof message === 'string' ? message : 'This value is not accepted.';
          if (v.fields.some((fv) => fv.field.name === name)) fieldErrors[name] = text;
          else other.push(text);
        }
      }
      if (Array.isArray(details.unknown) && details.unknown.length) other.push('This form has changed since the page was loaded. Please reload the page.');
      showFieldErrors(fieldErrors);
      setStatus(other.length ? other.join(' ') : Object.keys(fieldErrors).length ? FIX_MESSAGE : res.message || FIX_MESSAGE, true);
    } else if (res.status === 429) {
      setStatus(res.retryAfter !== undefined ? `Too many requests, try again in ${res.retryAfter} s.` : 'Too many requests, try again in a moment.', true);
    } else if ((res.status === 413 || res.status === 415) && files) {
      files.error.textContent = res.message || (res.status === 413 ? 'The attached files are too large.' : 'This file type is not accepted.');
      setStatus('');
    } else {
      setStatus(res.message || `Your request could not be sent (HTTP ${res.status}).`, true);
    }
  }

  function showSuccess(outcome: SubmissionOutcome): void {
    v.successText.textContent = successText(form.successMessage, outcome);
    v.form.hidden = true;
    v.foot.hidden = true;
    v.success.hidden = false;
    if (isOpen) v.successText.focus();
  }

  /** Polls a 202-accepted submission until it has a ticket number, for up to a minute. */
  async function waitForTicket(outcome: SubmissionOutcome): Promise<SubmissionOutcome> {
    const reference = outcome.reference;
    if (!reference) return outcome;
    const until = Date.now() + POLL_FOR_MS;
    while (Date.now() < until) {
      await sleep(POLL_EVERY_MS);
      const res = await api.status(reference);
      if (res.ok) {
        const next = readOutcome(res.data);
        if (next.ticketNumber) return { ticketNumber: next.ticketNumber, reference };
      }
    }
    return { reference };
  }

  /** Sends the checked values (with the chosen files): one retry if too fast, one if the session expired. */
  async function deliver(values: Record<string, SubmittedValue>): Promise<void> {
    const sending = state;
    let retriedFast = false;
    let retriedSession = false;
    for (;;) {
      const sessionFailure = await ensureSession(sending);
      if (sessionFailure) return showFailure(sessionFailure);
      const wait = sending.readyAt - Date.now();
      if (wait > 0) await sleep(wait);
      const res = await api.submit(
        { token: sending.token ?? '', idempotencyKey: sending.idempotencyKey, values, honeypot: v.honeypot.value },
        sending.files,
      );
      if (res.ok) {
        const outcome = readOutcome(res.data);
        if (!outcome.ticketNumber) setStatus('Request received, creating your ticket…');
        return showSuccess(outcome.ticketNumber ? outcome : await waitForTicket(outcome));
      }
      if (res.status === 422 && res.code === 'submitted_too_fast' && !retriedFast) {
        retriedFast = true;
        const waitMs = isObj(res.details) && typeof res.details.waitMs === 'number' ? res.details.waitMs : 2_000;
        await sleep(Math.min(Math.max(waitMs, 0), 60_000) + 100);
        continue;
      }
      if (res.status >= 400 && res.status < 500 && res.status !== 429 && /token|session/i.test(res.code) && !retriedSession) {
        // The fill session expired or was not accepted: take a new one and try once more.
        retriedSession = true;
        sending.token = undefined;
        continue;
      }
      return showFailure(res);
    }
  }

  v.form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (state.sending) return;
    const raw: Record<string, SubmittedValue> = {};
    for (const fv of v.fields) raw[fv.field.name] = valueOf(fv);
    const check = checkSubmission(form.fields, raw);
    if (!check.ok) {
      showFieldErrors(check.errors);
      setStatus(FIX_MESSAGE, true);
      return;
    }
    showFieldErrors({});
    if (files) files.error.textContent = '';
    setStatus('');
    setSending(true);
    deliver(check.values)
      .catch(() => setStatus(NETWORK_MESSAGE, true))
      .finally(() => setSending(false));
  });

  v.again.addEventListener('click', () => {
    state = newState();
    v.form.reset();
    for (const fv of v.fields) showError(fv);
    if (files) files.error.textContent = '';
    renderFileList();
    setStatus('');
    v.success.hidden = true;
    v.form.hidden = false;
    v.foot.hidden = false;
    if (isOpen) void ensureSession();
    focusStart();
  });

  return { open, close: () => close(false) };
}

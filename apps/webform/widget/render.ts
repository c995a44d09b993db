/*
 * Builds the widget's DOM: a host element with an open shadow root holding the launcher, the
 * backdrop and the dialog with the form and the success view. Behaviour lives in controller.ts.
 */
import { orderedFields, type PublicWebform, type WebformField } from '../../../libs/contracts/src/webform.js';
import { h, icon, ICON } from './dom.js';
import { CSS, HOST_STYLE } from './styles.js';
import { filesHint } from './state.js';

export type FieldInput = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export interface FieldView {
  field: WebformField;
  input: FieldInput;
  error: HTMLElement;
}

export interface FilesView {
  input: HTMLInputElement;
  list: HTMLUListElement;
  error: HTMLElement;
}

export interface View {
  host: HTMLDivElement;
  shadow: ShadowRoot;
  root: HTMLDivElement;
  launcher: HTMLButtonElement;
  backdrop: HTMLDivElement;
  panel: HTMLDivElement;
  close: HTMLButtonElement;
  form: HTMLFormElement;
  fields: FieldView[];
  honeypot: HTMLInputElement;
  files?: FilesView;
  /** Below the scrolling body: the form-level message and the submit button. */
  foot: HTMLElement;
  status: HTMLElement;
  submit: HTMLButtonElement;
  success: HTMLElement;
  successText: HTMLElement;
  again: HTMLButtonElement;
}

const AUTOCOMPLETE: Record<string, string> = { name: 'name', email: 'email', phone: 'tel' };

function renderField(field: WebformField): { row: HTMLElement; view: FieldView } {
  const id = `sb-f-${field.name}`;
  const errorId = `sb-e-${field.name}`;
  const error = h('p', { id: errorId, class: 'err', 'data-sb': `error-${field.name}`, 'aria-live': 'polite' });
  const common = {
    id,
    name: field.name,
    class: 'i',
    'data-sb': `field-${field.name}`,
    'aria-required': field.required ? 'true' : null,
    'aria-describedby': errorId,
  };
  const label = h('label', { class: 'l', for: id }, field.label, field.required && h('span', { class: 'req', 'aria-hidden': 'true' }, '*'));
  let input: FieldInput;
  let row: HTMLElement;
  switch (field.type) {
    case 'checkbox':
      input = h('input', { ...common, type: 'checkbox', class: null, value: 'yes' });
      row = h('div', { class: 'f' }, h('div', { class: 'cb' }, input, label), error);
      return { row, view: { field, input, error } };
    case 'textarea':
      input = h('textarea', { ...common, rows: 4, placeholder: field.placeholder });
      break;
    case 'select':
      input = h(
        'select',
        common,
        h('option', { value: '' }, field.placeholder || 'Choose…'),
        ...(field.options ?? []).map((o) => h('option', { value: o }, o)),
      );
      break;
    default:
      input = h('input', {
        ...common,
        type: field.type === 'phone' ? 'tel' : field.type,
        placeholder: field.placeholder,
        autocomplete: field.role ? AUTOCOMPLETE[field.role] : null,
        inputmode: field.type === 'email' ? 'email' : field.type === 'phone' ? 'tel' : null,
        spellcheck: field.type === 'email' ? 'false' : null,
      });
  }
  row = h('div', { class: 'f' }, label, field.type === 'select' ? h('div', { class: 'sel' }, input) : input, error);
  return { row, view: { field, input, error } };
}

function renderFiles(rules: PublicWebform['files']): { row: HTMLElement; view: FilesView } {
  const hint = filesHint(rules);
  const input = h('input', {
    id: 'sb-files',
    type: 'file',
    class: 'vh',
    multiple: rules.maxFiles !== 1,
    accept: rules.acceptedTypes.length ? rules.acceptedTypes.join(',') : null,
    'data-sb': 'files',
    'aria-describedby': hint ? 'sb-files-hint sb-files-err' : 'sb-files-err',
  });
  const list = h('ul', { class: 'fl', 'aria-label': 'Attached files' });
  const error = h('p', { id: 'sb-files-err', class: 'err', 'data-sb': 'files-error', role: 'alert' });
  const row = h(
    'div',
    { class: 'f' },
    input,
    h('label', { class: 'pick', for: 'sb-files' }, icon(ICON.clip, 16), rules.maxFiles === 1 ? 'Attach a file' : 'Attach files'),
    hint && h('span', { class: 'hint', id: 'sb-files-hint' }, hint),
    list,
    error,
  );
  return { row, view: { input, list, error } };
}

/**
 * A constructed stylesheet where supported (a strict `style-src` policy does not apply to it), and the
 * same rules in a <style> element for older browsers.
 */
function adoptStyles(shadow: ShadowRoot): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
  } catch {
    // Not supported: the <style> element alone styles the widget.
  }
}

export function render(form: PublicWebform, honeypotName: string): View {
  const host = h('div', { 'data-switchboard-form': form.key });
  // Through the CSSOM, which a page's Content-Security-Policy does not block (style attributes it may).
  host.style.cssText = HOST_STYLE;
  const shadow = host.attachShadow({ mode: 'open' });
  adoptStyles(shadow);

  const launcher = h(
    'button',
    { type: 'button', class: 'launcher', 'data-sb': 'launcher', 'aria-expanded': 'false', 'aria-controls': 'sb-panel', 'aria-haspopup': 'dialog' },
    icon(ICON.chat, 22),
    h('span', null, form.launcherLabel),
  );
  const backdrop = h('div', { class: 'bd', hidden: true });
  const close = h('button', { type: 'button', class: 'x', 'data-sb': 'close', 'aria-label': 'Close' }, icon(ICON.close));

  const rendered = orderedFields(form.fields).map(renderField);
  const honeypot = h('input', {
    id: 'sb-hp',
    type: 'text',
    name: honeypotName,
    tabindex: -1,
    autocomplete: 'off',
    'aria-hidden': 'true',
    'data-sb': 'honeypot',
  });
  const files = form.files.allowed ? renderFiles(form.files) : undefined;
  const status = h('p', { class: 'st', 'data-sb': 'status', role: 'status', 'aria-live': 'polite' });
  // Outside the <form> element (in the footer, always in view) yet its submit button, through `form`.
  const submit = h('button', { type: 'submit', form: 'sb-form', class: 'btn', 'data-sb': 'submit' }, form.buttonLabel);
  const foot = h('div', { class: 'foot' }, status, submit);
  const anyRequired = form.fields.some((f) => f.required);

  const formEl = h(
    'form',
    { id: 'sb-form', novalidate: true, 'aria-labelledby': 'sb-title' },
    form.introText && h('p', { class: 'intro' }, form.introText),
    anyRequired && h('p', { class: 'note', 'aria-hidden': 'true' }, 'Fields marked ', h('span', { class: 'req' }, '*'), ' are required.'),
    ...rendered.map((r) => r.row),
    h('div', { class: 'hp', 'aria-hidden': 'true' }, h('label', { for: 'sb-hp' }, 'Leave this field empty'), honeypot),
    files?.row,
  );

  const successText = h('p', { tabindex: -1 });
  const again = h('button', { type: 'button', class: 'btn ghost' }, 'Send another request');
  const success = h('div', { class: 'ok', 'data-sb': 'success', role: 'status', hidden: true }, h('span', { class: 'ic' }, icon(ICON.check, 28)), successText, again);

  const panel = h(
    'div',
    { id: 'sb-panel', class: 'panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'sb-title', 'data-sb': 'panel', hidden: true },
    h('div', { class: 'head' }, h('h2', { id: 'sb-title' }, form.title), close),
    h('div', { class: 'body' }, formEl, success),
    foot,
  );
  const root = h('div', { class: form.position === 'bottom-left' ? 'root left' : 'root' }, backdrop, launcher, panel);
  shadow.append(h('style', null, CSS), root);

  return {
    host,
    shadow,
    root,
    launcher,
    backdrop,
    panel,
    close,
    form: formEl,
    fields: rendered.map((r) => r.view),
    honeypot,
    files: files?.view,
    foot,
    status,
    submit,
    success,
    successText,
    again,
  };
}

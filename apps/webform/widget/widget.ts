/*
 * widget.js: the script a company pastes into its site to show a support request form.
 *
 *   <script src="https://<webform-host>/widget.js" data-form="KEY" async></script>
 *
 * The service is found at the script's own address without `/widget.js`. Each form key is mounted
 * once per page whatever the number of script tags or copies of this script (a registry on
 * `window.SwitchboardWebform`); different keys give different launchers. Nothing here throws into
 * the page: problems are reported with console.warn.
 */
import { mount, type Instance } from './controller.js';

export interface SwitchboardWebformRegistry {
  version: number;
  forms: Record<string, Instance>;
  /** Opens the form with this key (the first one if no key). */
  open(key?: string): void;
  close(key?: string): void;
}

declare global {
  interface Window {
    SwitchboardWebform?: SwitchboardWebformRegistry;
  }
}

function registry(): SwitchboardWebformRegistry {
  const existing = window.SwitchboardWebform;
  if (existing && typeof existing === 'object' && typeof existing.forms === 'object') return existing;
  const forms: Record<string, Instance> = {};
  const find = (key?: string): Instance | undefined => (key === undefined ? forms[Object.keys(forms)[0]] : forms[key]);
  const created: SwitchboardWebformRegistry = {
    version: 1,
    forms,
    open: (key) => find(key)?.open(),
    close: (key) => find(key)?.close(),
  };
  window.SwitchboardWebform = created;
  return created;
}

/** The service's base URL: the script's address without its file name, query and fragment. */
function baseOf(script: HTMLScriptElement): string {
  const url = new URL(script.src, location.href);
  return url.origin + url.pathname.replace(/\/[^/]*$/, '');
}

function start(script: HTMLScriptElement): void {
  const key = (script.getAttribute('data-form') ?? '').trim();
  if (!key) {
    console.warn('[switchboard webform] the widget.js script tag has no data-form attribute.');
    return;
  }
  const reg = registry();
  // Checked and set in one go (no await in between), so two copies running back to back cannot both mount.
  if (Object.prototype.hasOwnProperty.call(reg.forms, key)) return;
  for (const el of Array.from(document.querySelectorAll('[data-switchboard-form]'))) {
    if (el.getAttribute('data-switchboard-form') === key) return;
  }
  reg.forms[key] = mount(baseOf(script), key);
}

try {
  const current = document.currentScript;
  const scripts =
    current instanceof HTMLScriptElement && current.hasAttribute('data-form')
      ? [current]
      : Array.from(document.querySelectorAll<HTMLScriptElement>('script[data-form][src]')).filter((s) => /\/widget(\.min)?\.js([?#]|$)/.test(s.src));
  scripts.forEach(start);
} catch (e) {
  console.warn(`[switchboard webform] could not start: ${e instanceof Error ? e.message : String(e)}`);
}

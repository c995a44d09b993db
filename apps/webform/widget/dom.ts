/*
 * Tiny DOM utilities. Text always goes in as text nodes (`append(string)`), never as markup, so
 * nothing from the form's configuration can inject HTML.
 */

export type AttrValue = string | number | boolean | undefined | null;
export type Child = Node | string | null | undefined | false;

/** Sets an attribute; `true` sets it empty, `false`/`null`/`undefined` removes it. */
export function attr(el: Element, name: string, value: AttrValue): void {
  if (value === undefined || value === null || value === false) el.removeAttribute(name);
  else el.setAttribute(name, value === true ? '' : String(value));
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, AttrValue> | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) for (const name of Object.keys(attrs)) attr(el, name, attrs[name]);
  for (const child of children) if (child) el.append(child);
  return el;
}

/** Stroke icons on a 24×24 grid. */
export const ICON = {
  chat: 'M21 11.5a8.4 8.4 0 0 1-9 8.4 9 9 0 0 1-3.9-.9L3 20.5l1.5-4.6A8.1 8.1 0 0 1 3.5 11.5 8.4 8.4 0 0 1 12.2 3a8.4 8.4 0 0 1 8.8 8.5z',
  close: 'M18 6 6 18M6 6l12 12',
  check: 'M20 6 9 17l-5-5',
  clip: 'm21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5',
};

export function icon(path: string, size = 20): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const p = document.createElementNS(ns, 'path');
  const attrs: Record<string, string> = {
    viewBox: '0 0 24 24',
    width: String(size),
    height: String(size),
    fill: 'none',
    stroke: 'currentColor',
    'stroke-width': '2',
    'stroke-linecap': 'round',
    'stroke-linejoin': 'round',
    'aria-hidden': 'true',
    focusable: 'false',
  };
  for (const name of Object.keys(attrs)) svg.setAttribute(name, attrs[name]);
  p.setAttribute('d', path);
  svg.append(p);
  return svg;
}

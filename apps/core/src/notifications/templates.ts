import { StatusKind } from '@switchboard/db';
import Handlebars from 'handlebars';

/**
 * Notification templates: Handlebars with a fixed set of placeholders and helpers. A template is
 * checked when it is saved (parse errors, unknown placeholders, helpers and partials, a trial
 * render for every status kind), so rendering a stored one at send time does not fail on its
 * text; it is rendered leniently all the same (a missing value is empty).
 */

/** What a template sees. Every object is always present; text values may be empty. */
export interface NotificationContext {
  ticket: { number: number; subject: string; status: string; statusKey: string; statusKind: StatusKind };
  contact: { name: string; email: string };
  company: { name: string };
  /** One flag per status kind, true for the ticket's (new) kind: `{{#if status.resolved}}…{{/if}}`. */
  status: { open: boolean; pending: boolean; onHold: boolean; resolved: boolean; closed: boolean };
}

/** The placeholders, with what they mean (for the API docs and error messages). */
export const PLACEHOLDERS: Record<string, string> = {
  'ticket.number': 'the ticket number, e.g. 1042',
  'ticket.subject': 'the ticket subject',
  'ticket.status': 'the name of the ticket status, e.g. Resolved',
  'ticket.statusKey': 'the key of the ticket status, e.g. resolved or a custom key',
  'ticket.statusKind': 'the kind of the ticket status: open, pending, on_hold, resolved or closed',
  'contact.name': "the contact's name (empty when unknown)",
  'contact.email': "the contact's e-mail address: on e-mail the one the notification goes to (empty when the contact has none)",
  'company.name': "the contact's company (empty when none)",
  'status.open': 'true when the status kind is open',
  'status.pending': 'true when the status kind is pending',
  'status.onHold': 'true when the status kind is on_hold',
  'status.resolved': 'true when the status kind is resolved',
  'status.closed': 'true when the status kind is closed',
};

/** Helpers a template may call; `eq` compares two values: `{{#if (eq ticket.statusKey "waiting_parts")}}`. */
export const HELPERS = ['if', 'unless', 'each', 'with', 'lookup', 'eq'] as const;

const hb = Handlebars.create();
hb.registerHelper('eq', function (this: unknown, ...args: unknown[]) {
  // Handlebars passes its options object last.
  if (args.length !== 3) throw new Error('eq takes two values: (eq a b)');
  return args[0] === args[1];
});

const STATUS_FLAG: Record<StatusKind, keyof NotificationContext['status']> = {
  [StatusKind.Open]: 'open',
  [StatusKind.Pending]: 'pending',
  [StatusKind.OnHold]: 'onHold',
  [StatusKind.Resolved]: 'resolved',
  [StatusKind.Closed]: 'closed',
};

export function statusFlags(kind: StatusKind): NotificationContext['status'] {
  return { open: false, pending: false, onHold: false, resolved: false, closed: false, [STATUS_FLAG[kind]]: true };
}

const STATUS_NAMES: Record<StatusKind, string> = {
  [StatusKind.Open]: 'Open',
  [StatusKind.Pending]: 'Pending',
  [StatusKind.OnHold]: 'On hold',
  [StatusKind.Resolved]: 'Resolved',
  [StatusKind.Closed]: 'Closed',
};

/** Sample data for previews and for trying a template out when it is saved. */
export function sampleContext(kind: StatusKind = StatusKind.Resolved, over: { contactName?: string; companyName?: string } = {}): NotificationContext {
  return {
    ticket: { number: 1042, subject: 'Printer is on fire', status: STATUS_NAMES[kind], statusKey: kind, statusKind: kind },
    contact: { name: over.contactName ?? 'Ann Customer', email: 'ann@example.org' },
    company: { name: over.companyName ?? 'Example Org' },
    status: statusFlags(kind),
  };
}

// --- checking -------------------------------------------------------------------------------------

type Node = { type: string; loc?: { start: { line: number; column: number } } } & Record<string, unknown>;
type PathNode = Node & { data: boolean; depth: number; parts: string[]; original: string; this?: boolean };

/** Known paths: the leaves above and the objects holding them. */
const LEAVES = new Set(Object.keys(PLACEHOLDERS));
const OBJECTS = new Set(Object.keys(PLACEHOLDERS).map((p) => p.split('.')[0]));
const CONTEXT_CHANGING = new Set(['each', 'with']);
const DATA_VARIABLES = new Set(['index', 'key', 'first', 'last']);

export class TemplateError extends Error {}

const where = (n: Node) => (n.loc ? ` (line ${n.loc.start.line}, column ${n.loc.start.column + 1})` : '');

/**
 * Walks the template's syntax tree: every placeholder must be one of PLACEHOLDERS (outside
 * `#each`/`#with`, whose inner context is not checked), every helper one of HELPERS, and there
 * are no partials or decorators. Throws a TemplateError naming the first problem.
 */
function checkTree(program: Node, leaves: ReadonlySet<string> = LEAVES): void {
  const objects = leaves === LEAVES ? OBJECTS : new Set([...leaves].map((p) => p.split('.')[0]));
  const path = (p: PathNode, asValue: boolean, scoped: boolean): void => {
    if (p.data) {
      if (p.parts[0] === 'root' && p.parts.length > 1) return path({ ...p, data: false, depth: 0, parts: p.parts.slice(1), original: p.parts.slice(1).join('.') }, asValue, false);
      if (DATA_VARIABLES.has(p.parts[0] ?? '') && scoped) return;
      throw new TemplateError(`unknown data variable {{${p.original}}}${where(p)}`);
    }
    if (scoped || p.this || p.parts.length === 0) return;
    if (p.depth > 0) throw new TemplateError(`{{${p.original}}}${where(p)} points above the template's data`);
    const name = p.parts.join('.');
    if (leaves.has(name)) return;
    if (objects.has(name) && !asValue) return;
    const hint = objects.has(name) ? `; use one of its fields, e.g. {{${[...leaves].find((l) => l.startsWith(`${name}.`))}}}` : '';
    throw new TemplateError(`unknown placeholder {{${p.original}}}${where(p)}${hint}; available: ${[...leaves].join(', ')}`);
  };
  const helper = (p: PathNode): string => {
    const name = p.original;
    if (!(HELPERS as readonly string[]).includes(name)) throw new TemplateError(`unknown helper "${name}"${where(p)}; available: ${HELPERS.join(', ')}`);
    return name;
  };
  const expr = (n: Node, scoped: boolean): void => {
    if (n.type === 'PathExpression') return path(n as PathNode, false, scoped);
    if (n.type === 'SubExpression') return call(n, scoped);
    // String, number, boolean, null and undefined literals need no check.
  };
  const call = (n: Node, scoped: boolean): void => {
    helper(n.path as PathNode);
    for (const p of (n.params as Node[]) ?? []) expr(p, scoped);
    for (const pair of ((n.hash as { pairs?: { value: Node }[] } | undefined)?.pairs ?? [])) expr(pair.value, scoped);
  };
  const walk = (prog: Node | undefined, scoped: boolean): void => {
    for (const n of (prog?.body as Node[] | undefined) ?? []) {
      switch (n.type) {
        case 'ContentStatement':
        case 'CommentStatement':
          break;
        case 'MustacheStatement': {
          const params = (n.params as Node[]).length > 0 || Boolean((n.hash as { pairs?: unknown[] } | undefined)?.pairs?.length);
          if (params || n.path && (n.path as Node).type !== 'PathExpression') call(n, scoped);
          else path(n.path as PathNode, true, scoped);
          break;
        }
        case 'BlockStatement': {
          const name = helper(n.path as PathNode);
          call(n, scoped);
          const blockParams = ((n.program as Node | undefined)?.blockParams as unknown[] | undefined)?.length;
          walk(n.program as Node, scoped || CONTEXT_CHANGING.has(name) || Boolean(blockParams));
          walk(n.inverse as Node, scoped);
          break;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement':
          throw new TemplateError(`partials ({{> …}}) are not available${where(n)}`);
        default:
          throw new TemplateError(`${n.type} is not available${where(n)}`);
      }
    }
  };
  walk(program, false);
}

/**
 * Checks one template text (`what` names it in the message). Returns the problem, or undefined
 * when the template is fine: a parse error in Handlebars' own words, an unknown placeholder or
 * helper, or an error while rendering it with sample data for each status kind.
 */
export function templateProblem(source: string, html = false): string | undefined {
  let program: Node;
  try {
    program = hb.parse(source) as unknown as Node;
    checkTree(program);
  } catch (err) {
    return (err as Error).message;
  }
  try {
    const render = compile(source, html);
    for (const kind of Object.values(StatusKind)) {
      render(sampleContext(kind));
      render(sampleContext(kind, { contactName: '', companyName: '' }));
    }
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}

/**
 * The same check for another set of placeholders (e.g. canned responses): the problem with a
 * template's syntax, placeholders or helpers, or undefined. `sample` is rendered as a trial.
 */
export function placeholderProblem(source: string, placeholders: Record<string, string>, sample: object): string | undefined {
  try {
    checkTree(hb.parse(source) as unknown as Node, new Set(Object.keys(placeholders)));
    compile(source, false)(sample);
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}

/** Renders a plain-text template checked by placeholderProblem (no HTML escaping; a missing value is empty). */
export function renderText(source: string, ctx: object): string {
  return compile(source, false)(ctx);
}

// --- rendering ------------------------------------------------------------------------------------

const cache = new Map<string, Handlebars.TemplateDelegate>();

function compile(source: string, html: boolean): Handlebars.TemplateDelegate {
  const key = `${html ? 'h' : 't'}:${source}`;
  let t = cache.get(key);
  if (!t) {
    // Text (subject, plain body) is not HTML: no escaping. The HTML body escapes every value.
    t = hb.compile(source, { noEscape: !html, knownHelpers: { eq: true }, preventIndent: true });
    if (cache.size >= 200) cache.clear();
    cache.set(key, t);
  }
  return t;
}

export interface TemplateTexts {
  subject: string;
  bodyText: string;
  bodyHtml: string | null;
}

export interface RenderedNotification {
  subject: string;
  text: string;
  /** Unsanitised: the caller sanitises it like any message HTML. */
  html?: string;
}

const SUBJECT_MAX = 998;

/** Renders a template; throws on a template that cannot render (which templateProblem would have refused). */
export function renderTemplate(t: TemplateTexts, ctx: NotificationContext): RenderedNotification {
  const subject = compile(t.subject, false)(ctx).replace(/\s+/g, ' ').trim().slice(0, SUBJECT_MAX);
  const text = compile(t.bodyText, false)(ctx)
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const html = t.bodyHtml ? compile(t.bodyHtml, true)(ctx).trim() : undefined;
  return { subject: subject || ctx.ticket.subject, text, ...(html ? { html } : {}) };
}

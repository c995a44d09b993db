import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';

/** One property of an admin form: written once per kind, rendered by FieldForm. */
export interface FieldSpec {
  /** The body path, dots for nesting (`credentials.apiId`); also the path core names in `details`. */
  path: string;
  /** An i18n key for the label. */
  label: string;
  type: 'text' | 'number' | 'textarea' | 'select' | 'multiselect' | 'checkbox' | 'secret' | 'color';
  /** Turns the typed value into what core takes (e.g. a select's `''` into `null`). */
  parse?: (raw: string) => unknown;
  /** Only when creating (e.g. a key that never changes) or only when editing. */
  only?: 'create' | 'edit';
  options?: readonly string[];
  /** How an option is shown (default: the value itself). */
  optionLabel?: (option: string) => string;
  /** Required on creation (secrets: required on creation only, never pre-filled). */
  required?: boolean;
  /** An empty value is sent as `null` when editing (to clear it). */
  nullable?: boolean;
  /** Shown only when this returns true for the current values. */
  when?: (values: Values) => boolean;
  /** Secrets under the same object are sent together (e.g. SMS `credentials`, replaced whole). */
  group?: string;
}

export type Values = Record<string, string | boolean>;

export interface ValidationDetail {
  path: string;
  message: string;
}

function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function set(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]] = value;
}

const MULTI_SEP = '\n';

/** The fields shown for these values, creating or editing. */
function visibleFields(fields: readonly FieldSpec[], values: Values, editing: boolean): FieldSpec[] {
  return fields.filter((f) => (!f.when || f.when(values)) && (!f.only || f.only === (editing ? 'edit' : 'create')));
}

/** The form's starting values: from the record when editing (never its secrets), else empty. */
export function initialValues(fields: readonly FieldSpec[], record?: unknown): Values {
  const v: Values = {};
  for (const f of fields) {
    const cur = f.type === 'secret' || !record ? undefined : get(record, f.path);
    if (f.type === 'checkbox') v[f.path] = cur === undefined ? false : Boolean(cur);
    else if (f.type === 'multiselect') v[f.path] = Array.isArray(cur) ? cur.map(String).join(MULTI_SEP) : '';
    else if (f.type === 'select') v[f.path] = typeof cur === 'string' ? cur : (f.options?.[0] ?? '');
    else v[f.path] = typeof cur === 'string' || typeof cur === 'number' ? String(cur) : '';
  }
  return v;
}

/** The JSON body: only visible fields; empty ones left out (or `null` when editing a nullable one); secrets only when typed. */
export function toBody(fields: readonly FieldSpec[], values: Values, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const visible = visibleFields(fields, values, editing);
  const typedGroups = new Set(visible.filter((f) => f.group && values[f.path] !== '').map((f) => f.group));
  for (const f of visible) {
    const raw = values[f.path];
    if (f.type === 'checkbox') {
      set(body, f.path, raw);
      continue;
    }
    if (f.group && !typedGroups.has(f.group)) continue;
    if (f.parse) {
      set(body, f.path, f.parse(String(raw)));
      continue;
    }
    if (f.type === 'multiselect') {
      set(body, f.path, raw === '' ? [] : String(raw).split(MULTI_SEP));
      continue;
    }
    if (raw === '') {
      if (editing && f.nullable) set(body, f.path, null);
      continue;
    }
    set(body, f.path, f.type === 'number' ? Number(raw) : raw);
  }
  return body;
}

/** Core's validation problems, by path (`credentials.apiId`; a problem with the whole body under ''). */
export function detailsOf(err: unknown): ValidationDetail[] {
  const d = (err as { details?: unknown } | null)?.details;
  return Array.isArray(d) ? (d as ValidationDetail[]).filter((x) => x && typeof x.path === 'string') : [];
}

/** A form generated from field descriptions, with core's validation errors next to the fields. */
export function FieldForm({
  fields,
  record,
  defaults,
  onSubmit,
  onCancel,
  testId,
}: {
  fields: readonly FieldSpec[];
  record?: unknown;
  /** Starting values for a new record. */
  defaults?: Record<string, unknown>;
  onSubmit: (body: Record<string, unknown>) => Promise<unknown>;
  onCancel: () => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [values, setValues] = useState<Values>(() => initialValues(fields, record ?? defaults));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const details = detailsOf(error);
  const known = new Set(fields.map((f) => f.path));
  const other = details.filter((d) => !known.has(d.path));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(toBody(fields, values, record !== undefined));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} data-testid={testId} noValidate>
      {error instanceof ApiError && (details.length === 0 || other.length > 0) ? (
        <p className="alert alert-error" role="alert">
          {t('admin.saveFailed', { message: [error.message, ...other.map((d) => `${d.path}: ${d.message}`)].join('; ') })}
        </p>
      ) : null}
      {visibleFields(fields, values, record !== undefined).map((f) => {
          const id = `f-${f.path.replace(/\W/g, '-')}`;
          const problems = details.filter((d) => d.path === f.path);
          const value = values[f.path];
          const change = (v: string | boolean) => setValues((prev) => ({ ...prev, [f.path]: v }));
          const common = { id, 'aria-invalid': problems.length > 0 || undefined, 'aria-describedby': problems.length ? `${id}-err` : undefined, 'data-field': f.path };
          return (
            <div className={f.type === 'checkbox' ? 'field field-check' : 'field'} key={f.path}>
              {f.type === 'checkbox' ? (
                <label className="check">
                  <input type="checkbox" checked={value === true} onChange={(e) => change(e.target.checked)} {...common} /> {t(f.label)}
                </label>
              ) : (
                <>
                  <label htmlFor={id}>
                    {t(f.label)}
                    {f.required && (f.type !== 'secret' || record === undefined) ? ' *' : ''}
                  </label>
                  {f.type === 'textarea' ? (
                    <textarea rows={3} value={String(value)} onChange={(e) => change(e.target.value)} {...common} />
                  ) : f.type === 'multiselect' ? (
                    <select
                      multiple
                      value={String(value) === '' ? [] : String(value).split(MULTI_SEP)}
                      onChange={(e) => change(Array.from(e.target.selectedOptions, (o) => o.value).join(MULTI_SEP))}
                      {...common}
                    >
                      {f.options?.map((o) => (
                        <option key={o} value={o}>
                          {f.optionLabel ? f.optionLabel(o) : o}
                        </option>
                      ))}
                    </select>
                  ) : f.type === 'select' ? (
                    <select value={String(value)} onChange={(e) => change(e.target.value)} {...common}>
                      {f.options?.map((o) => (
                        <option key={o} value={o}>
                          {f.optionLabel ? f.optionLabel(o) : o}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      type={f.type === 'secret' ? 'password' : f.type === 'number' ? 'number' : f.type === 'color' ? 'color' : 'text'}
                      autoComplete={f.type === 'secret' ? 'new-password' : 'off'}
                      placeholder={f.type === 'secret' && record !== undefined ? t('admin.secretKeep') : undefined}
                      value={String(value)}
                      onChange={(e) => change(e.target.value)}
                      {...common}
                    />
                  )}
                </>
              )}
              {problems.length > 0 ? (
                <span className="field-error error" id={`${id}-err`} data-testid="field-error">
                  {problems.map((p) => p.message).join('; ')}
                </span>
              ) : null}
            </div>
          );
        })}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="form-save">
          {t('admin.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainException } from '@switchboard/common';
import { orderedFields, WEBFORM_HONEYPOT_FIELD, type PublicWebform } from '@switchboard/contracts';
import { Webform } from '@switchboard/db';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { WEBFORM_CONFIG, type WebformConfig } from '../config.js';

/** A form as this service uses it: the stored row, its public shape and that shape's ETag. */
export interface LoadedForm {
  form: Webform;
  public: PublicWebform;
  etag: string;
}

export const formNotFound = (key: string) =>
  new DomainException('form_not_found', `there is no web form "${key}" (or it is disabled)`, 404);

/**
 * Reads forms by key. Every submission needs its form, so rows are kept for the config's cache
 * time (default 30 s): an admin's change reaches every replica within that time.
 */
@Injectable()
export class FormsService {
  private readonly cache = new Map<string, { at: number; value: LoadedForm | null }>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(WEBFORM_CONFIG) private readonly config: WebformConfig,
  ) {}

  /** The enabled form with this key, or a 404 `form_not_found`. */
  async get(key: string): Promise<LoadedForm> {
    const found = await this.find(key);
    if (!found) throw formNotFound(key);
    return found;
  }

  async find(key: string): Promise<LoadedForm | null> {
    if (!/^[a-z0-9][a-z0-9-]{2,63}$/.test(key)) return null;
    const ttl = this.config.WEBFORM_CONFIG_CACHE_S * 1000;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < ttl) return hit.value;
    const form = await this.ds.getRepository(Webform).findOne({ where: { key, enabled: true } });
    const value = form ? this.load(form) : null;
    if (ttl > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, { at: Date.now(), value });
    }
    return value;
  }

  private load(form: Webform): LoadedForm {
    const cfg = this.config;
    const pub: PublicWebform = {
      key: form.key,
      title: form.title,
      introText: form.introText,
      buttonLabel: form.buttonLabel,
      launcherLabel: form.launcherLabel,
      successMessage: form.successMessage,
      colors: form.colors,
      position: form.position,
      fields: orderedFields(form.fields),
      files: {
        allowed: form.filesAllowed && cfg.WEBFORM_MAX_FILES > 0,
        maxFiles: cfg.WEBFORM_MAX_FILES,
        maxFileBytes: cfg.WEBFORM_MAX_FILE_BYTES,
        acceptedTypes: cfg.WEBFORM_ACCEPTED_TYPES,
      },
      honeypotField: WEBFORM_HONEYPOT_FIELD,
    };
    const etag = `"${createHash('sha256').update(JSON.stringify(pub)).digest('base64url').slice(0, 27)}"`;
    return { form, public: pub, etag };
  }
}

/** Whether a page at `origin` may use the form (`*` in the list allows any page). */
export function originAllowed(form: Pick<Webform, 'allowedOrigins'>, origin: string): boolean {
  return form.allowedOrigins.includes('*') || form.allowedOrigins.includes(origin.toLowerCase());
}

export const originNotAllowed = (origin: string, key: string) =>
  new DomainException('origin_not_allowed', `pages at ${origin} may not use the web form "${key}"; an admin can add the origin to the form's allowed origins`, 403);

import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { conflict, notFound } from '@switchboard/common';
import { orderedFields, type WebformField } from '@switchboard/contracts';
import { Webform, type WebformColors } from '@switchboard/db';
import type { Repository } from 'typeorm';
import { containsPattern as contains, page, skipTake, type Page } from '../common/pagination.js';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { pgCode, UNIQUE_VIOLATION } from '../database/transaction.js';
import type { CreateWebformInput, ListWebformsQuery, UpdateWebformInput } from './webforms.schemas.js';

export interface WebformView {
  id: string;
  key: string;
  title: string;
  introText: string;
  buttonLabel: string;
  launcherLabel: string;
  successMessage: string;
  colors: WebformColors;
  position: 'bottom-right' | 'bottom-left';
  /** In display order. */
  fields: WebformField[];
  allowedOrigins: string[];
  filesAllowed: boolean;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebformEmbed {
  formKey: string;
  widgetUrl: string;
  /** The tag to paste into the pages that show the form. */
  snippet: string;
  /** Why the snippet would not work yet, if anything stops it. */
  warnings: string[];
}

export enum WebformErrorCode {
  KeyTaken = 'webform_key_taken',
}

export const NO_ORIGIN_WARNING = 'no origin is allowed: add the origins of the pages that embed the form';
export const DISABLED_WARNING = 'the form is disabled: visitors get 404 until it is enabled';

@Injectable()
export class WebformsService {
  constructor(
    @InjectRepository(Webform) private readonly forms: Repository<Webform>,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  /** Ordered by key; `q` matches a substring of the key or the title. */
  async list(query: ListWebformsQuery): Promise<Page<WebformView>> {
    const qb = this.forms.createQueryBuilder('w');
    if (query.q) qb.andWhere('(w.key ILIKE :q OR w.title ILIKE :q)', { q: contains(query.q) });
    if (query.enabled !== undefined) qb.andWhere('w.enabled = :enabled', { enabled: query.enabled });
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.orderBy('w.key', 'ASC').offset(skip).limit(take).getManyAndCount();
    return page(rows.map(toWebformView), total, query);
  }

  async get(id: string): Promise<WebformView> {
    return toWebformView(await this.findOrFail(id));
  }

  async create(input: CreateWebformInput): Promise<WebformView> {
    await this.assertKeyFree(input.key);
    const saved = await this.keyConflictExplained(input.key, () => this.forms.save(this.forms.create(input)));
    return this.get(saved.id);
  }

  /** Only the properties sent change; `colors` is merged, `fields` and `allowedOrigins` are replaced. */
  async update(id: string, input: UpdateWebformInput): Promise<WebformView> {
    const form = await this.findOrFail(id);
    if (input.key !== undefined && input.key !== form.key) await this.assertKeyFree(input.key);
    const { colors, ...rest } = input;
    const changed = this.forms.merge(form, rest, colors ? { colors: { ...form.colors, ...colors } } : {});
    await this.keyConflictExplained(input.key, () => this.forms.save(changed));
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const { affected } = await this.forms.delete({ id });
    if (!affected) throw notFound('web form', id);
  }

  /** The snippet to paste into a site, and what would keep it from working. */
  async embed(id: string): Promise<WebformEmbed> {
    const form = await this.findOrFail(id);
    const widgetUrl = `${this.config.WEBFORM_PUBLIC_URL}/widget.js`;
    const warnings: string[] = [];
    if (!form.enabled) warnings.push(DISABLED_WARNING);
    if (!form.allowedOrigins.length) warnings.push(NO_ORIGIN_WARNING);
    return {
      formKey: form.key,
      widgetUrl,
      snippet: `<script src="${attr(widgetUrl)}" data-form="${attr(form.key)}" async></script>`,
      warnings,
    };
  }

  private async findOrFail(id: string): Promise<Webform> {
    const form = await this.forms.findOneBy({ id });
    if (!form) throw notFound('web form', id);
    return form;
  }

  private async assertKeyFree(key: string): Promise<void> {
    const other = await this.forms.findOneBy({ key });
    if (other) throw conflict(`a web form with the key "${key}" already exists (${other.id})`, WebformErrorCode.KeyTaken);
  }

  /** A unique violation means a concurrent write took the key: answer as the pre-check would have. */
  private async keyConflictExplained<T>(key: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (key !== undefined && pgCode(err) === UNIQUE_VIOLATION) throw conflict(`a web form with the key "${key}" already exists`, WebformErrorCode.KeyTaken);
      throw err;
    }
  }
}

export function toWebformView(w: Webform): WebformView {
  return {
    id: w.id,
    key: w.key,
    title: w.title,
    introText: w.introText,
    buttonLabel: w.buttonLabel,
    launcherLabel: w.launcherLabel,
    successMessage: w.successMessage,
    colors: w.colors,
    position: w.position,
    fields: orderedFields(w.fields),
    allowedOrigins: w.allowedOrigins,
    filesAllowed: w.filesAllowed,
    enabled: w.enabled,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

/** Escapes a value for a double-quoted HTML attribute. */
function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

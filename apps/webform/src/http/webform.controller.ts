import { Controller, Get, HttpCode, Inject, Options, Param, Post, Req, Res } from '@nestjs/common';
import { DomainException } from '@switchboard/common';
import type { Request, Response } from 'express';
import { WEBFORM_CONFIG, type WebformConfig } from '../config.js';
import { FormsService } from '../forms/forms.service.js';
import { REFERENCE_PATTERN } from '../submissions/reference.js';
import { SubmissionsService } from '../submissions/submissions.service.js';
import { answerPreflight, applyFormCors } from './cors.js';
import { demoPage } from './demo-page.js';
import type { WidgetAsset } from './widget-asset.js';

export const WIDGET_ASSET = Symbol('WIDGET_ASSET');

/** Everything a visitor's browser calls: the script, a form's config, sessions and submissions. */
@Controller()
export class WebformController {
  constructor(
    private readonly forms: FormsService,
    private readonly submissions: SubmissionsService,
    @Inject(WIDGET_ASSET) private readonly widget: WidgetAsset,
    @Inject(WEBFORM_CONFIG) private readonly config: WebformConfig,
  ) {}

  @Get('widget.js')
  widgetScript(@Req() req: Request, @Res() res: Response): void {
    res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('ETag', this.widget.etag);
    res.vary('Accept-Encoding');
    if (req.headers['if-none-match'] === this.widget.etag) {
      res.status(304).end();
      return;
    }
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      res.setHeader('Content-Encoding', 'gzip');
      res.end(this.widget.gzipped);
    } else {
      res.end(this.widget.body);
    }
  }

  @Get('demo')
  demo(@Res() res: Response): void {
    if (!this.config.WEBFORM_DEMO_PAGE) throw new DomainException('not_found', 'the demo page is off (WEBFORM_DEMO_PAGE=false)', 404);
    res.type('html').send(demoPage(this.config.WEBFORM_DEMO_FORM_KEY));
  }

  @Options(['forms/:key', 'forms/:key/sessions', 'forms/:key/submissions', 'forms/:key/submissions/:reference'])
  async preflight(@Param('key') key: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    answerPreflight(req, res, await this.forms.get(key));
  }

  /** The form's public config; revalidated with ETag, so an admin's edit shows up on the next page view. */
  @Get('forms/:key')
  async form(@Param('key') key: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const loaded = await this.forms.get(key);
    applyFormCors(req, res, loaded);
    res.setHeader('ETag', loaded.etag);
    res.setHeader('Cache-Control', `public, max-age=${this.config.WEBFORM_CONFIG_CACHE_S}, must-revalidate`);
    if (req.headers['if-none-match'] === loaded.etag) {
      res.status(304).end();
      return;
    }
    res.json(loaded.public);
  }

  @Post('forms/:key/sessions')
  @HttpCode(201)
  async session(@Param('key') key: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const loaded = await this.forms.get(key);
    applyFormCors(req, res, loaded);
    res.setHeader('Cache-Control', 'no-store');
    return this.submissions.openSession(loaded.form);
  }

  @Post('forms/:key/submissions')
  async submit(@Param('key') key: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const loaded = await this.forms.get(key);
    applyFormCors(req, res, loaded);
    res.setHeader('Cache-Control', 'no-store');
    const outcome = await this.submissions.submit(loaded, req, req.ip ?? req.socket.remoteAddress ?? 'unknown');
    res.status(outcome.status === 'created' ? 201 : 202);
    return outcome;
  }

  /** Whether core has made the ticket for a submission that got a 202; the widget polls this. */
  @Get('forms/:key/submissions/:reference')
  async submission(@Param('key') key: string, @Param('reference') reference: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const loaded = await this.forms.get(key);
    applyFormCors(req, res, loaded);
    res.setHeader('Cache-Control', 'no-store');
    const ref = reference.toUpperCase();
    const outcome = REFERENCE_PATTERN.test(ref) ? await this.submissions.status(loaded.form, ref) : undefined;
    if (!outcome) throw new DomainException('submission_not_found', `there is no submission ${reference} on this form`, 404);
    return outcome;
  }
}

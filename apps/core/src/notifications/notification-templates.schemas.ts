import { NotificationChannel, NotificationKey, StatusKind } from '@switchboard/db';
import { z } from 'zod';
import { templateProblem } from './templates.js';

export const SUBJECT_SOURCE_MAX = 2_000;
export const BODY_SOURCE_MAX = 100_000;

/** A template text: it must parse and render (Handlebars' own message on a syntax error). */
const template = (max: number, html = false) =>
  z
    .string({ message: 'must be text' })
    .max(max, `must be at most ${max} characters`)
    .superRefine((source, ctx) => {
      const problem = templateProblem(source, html);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const subject = template(SUBJECT_SOURCE_MAX).refine((s) => s.trim().length > 0, 'must not be empty');
const bodyText = template(BODY_SOURCE_MAX).refine((s) => s.trim().length > 0, 'must not be empty');
const bodyHtml = template(BODY_SOURCE_MAX, true).nullable();

const statusKinds = z
  .array(z.enum(Object.values(StatusKind) as [StatusKind, ...StatusKind[]], { message: `must be one of ${Object.values(StatusKind).join(', ')}` }), {
    message: 'must be a list of status kinds',
  })
  .max(Object.values(StatusKind).length)
  .transform((kinds) => [...new Set(kinds)]);

export const notificationKeyParam = z.enum(Object.values(NotificationKey) as [NotificationKey, ...NotificationKey[]], {
  message: `must be one of ${Object.values(NotificationKey).join(', ')}`,
});

export const channelQuerySchema = z
  .object({
    channel: z
      .enum(Object.values(NotificationChannel) as [NotificationChannel, ...NotificationChannel[]], {
        message: `must be one of ${Object.values(NotificationChannel).join(', ')}`,
      })
      .default(NotificationChannel.Email),
  })
  .strict();
export type ChannelQuery = z.infer<typeof channelQuerySchema>;

export const updateNotificationTemplateSchema = z
  .object({
    subject: subject.optional(),
    bodyText: bodyText.optional(),
    /** `null` removes the HTML part: the text is then sent as HTML too. */
    bodyHtml: bodyHtml.optional(),
    enabled: z.boolean({ message: 'must be true or false' }).optional(),
    /** `status_changed` only: the status kinds that send it. */
    statusKinds: statusKinds.optional(),
  })
  .strict();
export type UpdateNotificationTemplateInput = z.infer<typeof updateNotificationTemplateSchema>;

export const previewNotificationTemplateSchema = z
  .object({
    /** Unsaved texts to try; those left out come from the stored template. */
    subject: subject.optional(),
    bodyText: bodyText.optional(),
    bodyHtml: bodyHtml.optional(),
    /** The status kind of the sample ticket (default: resolved). */
    statusKind: z.enum(Object.values(StatusKind) as [StatusKind, ...StatusKind[]], { message: `must be one of ${Object.values(StatusKind).join(', ')}` }).optional(),
  })
  .strict();
export type PreviewNotificationTemplateInput = z.infer<typeof previewNotificationTemplateSchema>;

import { InitialSchema1795833600000 } from './1795833600000-initial-schema.js';
import { AddWebforms1795841021252 } from './1795841021252-add-webforms.js';
import { AddEmailChannel1795842847792 } from './1795842847792-add-email-channel.js';
import { AddNotifications1795844946051, NOTIFICATION_TEMPLATE_DEFAULTS as EMAIL_TEMPLATE_DEFAULTS } from './1795844946051-add-notifications.js';
import { AddMessageAliases1795850484280 } from './1795850484280-add-message-aliases.js';
import { ChunkAttachmentBlobs1795850544646 } from './1795850544646-chunk-attachment-blobs.js';
import { AddTelegramChannel1795851830251, TELEGRAM_TEMPLATE_DEFAULTS } from './1795851830251-add-telegram-channel.js';
import { AddSmsChannel1795853926715, SMS_TEMPLATE_DEFAULTS } from './1795853926715-add-sms-channel.js';
import { AddInboxFeatures1795856180715 } from './1795856180715-add-inbox-features.js';

/** Every notification template the migrations seed, as they seeded it (e-mail first). */
export const NOTIFICATION_TEMPLATE_DEFAULTS = [...EMAIL_TEMPLATE_DEFAULTS, ...TELEGRAM_TEMPLATE_DEFAULTS, ...SMS_TEMPLATE_DEFAULTS] as const;

/** In order; class references because the services are bundled. */
export const MIGRATIONS = [InitialSchema1795833600000, AddWebforms1795841021252, AddEmailChannel1795842847792, AddNotifications1795844946051, AddMessageAliases1795850484280, ChunkAttachmentBlobs1795850544646, AddTelegramChannel1795851830251, AddSmsChannel1795853926715, AddInboxFeatures1795856180715];

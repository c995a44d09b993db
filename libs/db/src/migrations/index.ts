import { InitialSchema1795833600000 } from './1795833600000-initial-schema.js';
import { AddWebforms1795841021252 } from './1795841021252-add-webforms.js';
import { AddEmailChannel1795842847792 } from './1795842847792-add-email-channel.js';
import { AddNotifications1795844946051 } from './1795844946051-add-notifications.js';
import { AddMessageAliases1795850484280 } from './1795850484280-add-message-aliases.js';
import { ChunkAttachmentBlobs1795850544646 } from './1795850544646-chunk-attachment-blobs.js';

export { NOTIFICATION_TEMPLATE_DEFAULTS } from './1795844946051-add-notifications.js';

/** In order; class references because the services are bundled. */
export const MIGRATIONS = [InitialSchema1795833600000, AddWebforms1795841021252, AddEmailChannel1795842847792, AddNotifications1795844946051, AddMessageAliases1795850484280, ChunkAttachmentBlobs1795850544646];

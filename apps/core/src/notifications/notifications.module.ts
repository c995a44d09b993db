import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AcknowledgementSweeper } from './acknowledgement.sweeper.js';
import { NotificationTemplatesController } from './notification-templates.controller.js';
import { NotificationTemplatesService } from './notification-templates.service.js';
import { NotificationsService } from './notifications.service.js';

/**
 * Customer notifications: the templates API, the writer of notification messages (used by
 * tickets for status changes) and, where workers run, the acknowledgement sweep.
 */
@Global()
@Module({})
export class NotificationsModule {
  static forRoot(opts: { workers: boolean }): DynamicModule {
    return {
      module: NotificationsModule,
      controllers: [NotificationTemplatesController],
      providers: [NotificationTemplatesService, NotificationsService, ...(opts.workers ? [AcknowledgementSweeper] : [])],
      exports: [NotificationsService, ...(opts.workers ? [AcknowledgementSweeper] : [])],
    };
  }
}

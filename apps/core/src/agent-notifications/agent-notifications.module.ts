import { Module } from '@nestjs/common';
import { AgentNotificationsController } from './agent-notifications.controller.js';
import { AgentNotificationsService } from './agent-notifications.service.js';

/** Agents' own notifications in the console (`/me/notifications`); written by the tickets module (mentions). */
@Module({
  controllers: [AgentNotificationsController],
  providers: [AgentNotificationsService],
})
export class AgentNotificationsModule {}

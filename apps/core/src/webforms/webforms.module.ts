import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Webform } from '@switchboard/db';
import { WebformsController } from './webforms.controller.js';
import { WebformsService } from './webforms.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Webform])],
  controllers: [WebformsController],
  providers: [WebformsService],
  exports: [WebformsService],
})
export class WebformsModule {}

import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueueName } from '@switchboard/contracts';

@Controller()
class HelloController {
  @Get('health')
  health() {
    return { ok: true, q: QueueName.Inbound };
  }
}
@Module({ controllers: [HelloController] })
class AppModule {}
const app = await NestFactory.create(AppModule);
await app.listen(3999);

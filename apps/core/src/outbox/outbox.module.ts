import { Module, type DynamicModule } from '@nestjs/common';

@Module({})
export class OutboxModule {
  static forRoot(_opts: { workers: boolean }): DynamicModule {
    return { module: OutboxModule };
  }
}

import { Controller, Get, HttpStatus, Inject, Module, Res, type DynamicModule, type Provider } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from './public.js';

/** One dependency a service needs to be healthy (database, Redis, an IMAP session…). */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

const CHECK_TIMEOUT_MS = 2_000;

@Controller()
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  /** 200 when every dependency answers, 503 naming the ones that do not. */
  @Public()
  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), CHECK_TIMEOUT_MS, c.name);
          return [c.name, { status: 'up' }] as const;
        } catch (err) {
          return [c.name, { status: 'down', error: err instanceof Error ? err.message : String(err) }] as const;
        }
      }),
    );
    const ok = results.every(([, r]) => r.status === 'up');
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({ status: ok ? 'ok' : 'error', checks: Object.fromEntries(results) });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

@Module({})
export class HealthModule {
  /** `checks` is a provider whose value is a HealthCheck[]; it may inject anything the service has. */
  static forChecks(checks: Omit<Provider, 'provide'> & { useFactory: (...args: never[]) => HealthCheck[]; inject?: unknown[] }): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: HEALTH_CHECKS, ...checks } as Provider],
    };
  }
}

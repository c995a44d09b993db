import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { consoleHandler, resolveConsoleDir } from './console-static.js';

/**
 * Serves the agents' console (a single-page app built into dist/console) at `/`: its files, and
 * index.html for every other page path outside the API. Registered after the API routes (module
 * init runs once the router is in place), so it only sees what no controller answered.
 */
@Module({})
export class ConsoleModule implements OnModuleInit {
  private readonly logger = new Logger('Console');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  onModuleInit(): void {
    const dir = resolveConsoleDir(this.config.CONSOLE_DIST_DIR);
    if (!dir.found) {
      this.logger.warn(`console not served: no index.html in ${dir.path} (run npm run build, or set CONSOLE_DIST_DIR)`);
      return;
    }
    const handler = consoleHandler(dir.path);
    const app = this.adapterHost.httpAdapter.getInstance<{ use(fn: (req: Request, res: Response, next: NextFunction) => void): void }>();
    app.use(handler);
  }
}

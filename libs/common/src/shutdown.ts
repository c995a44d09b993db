import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * On SIGTERM/SIGINT: stop taking HTTP requests, let workers finish in-flight jobs (Nest's
 * shutdown hooks close them), then exit. A second signal or the timeout forces the exit.
 */
export function installGracefulShutdown(app: INestApplication, logger: Logger, timeoutMs: number): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal, timeoutMs }, 'shutting down: finishing in-flight work');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting with work unfinished (jobs will be retried)');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    app
      .close()
      .then(() => {
        logger.info('shut down cleanly');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

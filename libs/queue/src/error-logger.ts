import type { Logger } from '@nestjs/common';

/**
 * An `error` listener for a long-lived BullMQ object. Without one BullMQ prints every failed
 * reconnect attempt to the console; with it, a Redis outage is one warning per distinct error.
 */
export function logErrorsOnce(emitter: { on(event: 'error', listener: (err: Error) => void): unknown }, logger: Logger, what: string): void {
  let last = '';
  emitter.on('error', (err: Error) => {
    if (err.message === last) return;
    last = err.message;
    logger.warn({ err: err.message }, `${what}: ${err.message}`);
  });
}

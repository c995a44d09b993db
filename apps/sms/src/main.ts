import 'reflect-metadata';
import { ConfigError, createLogger, DependencyUnavailable, installGracefulShutdown, loadConfig } from '@switchboard/common';
import { createSmsApp } from './bootstrap.js';
import { smsEnvSchema } from './config.js';

async function main(): Promise<void> {
  const config = loadConfig(smsEnvSchema);
  const logger = createLogger('sms', config.LOG_LEVEL);
  const app = await createSmsApp(config, logger);
  installGracefulShutdown(app, logger, config.SHUTDOWN_TIMEOUT_MS);
  await app.listen(config.PORT);
  logger.info({ port: config.PORT }, `sms listening on http://127.0.0.1:${config.PORT} (health /health)`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DependencyUnavailable) {
    console.error(`sms: ${err.message}`);
  } else {
    console.error('sms: failed to start:', err);
  }
  process.exit(1);
});

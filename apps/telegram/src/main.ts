import 'reflect-metadata';
import { ConfigError, createLogger, DependencyUnavailable, installGracefulShutdown, loadConfig } from '@switchboard/common';
import { createTelegramApp } from './bootstrap.js';
import { telegramEnvSchema } from './config.js';

async function main(): Promise<void> {
  const config = loadConfig(telegramEnvSchema);
  const logger = createLogger('telegram', config.LOG_LEVEL);
  const app = await createTelegramApp(config, logger);
  installGracefulShutdown(app, logger, config.SHUTDOWN_TIMEOUT_MS);
  await app.listen(config.PORT);
  logger.info({ port: config.PORT }, `telegram listening on http://127.0.0.1:${config.PORT} (health /health)`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DependencyUnavailable) {
    console.error(`telegram: ${err.message}`);
  } else {
    console.error('telegram: failed to start:', err);
  }
  process.exit(1);
});

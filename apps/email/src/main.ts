import 'reflect-metadata';
import { ConfigError, createLogger, DependencyUnavailable, installGracefulShutdown, loadConfig } from '@switchboard/common';
import { createEmailApp } from './bootstrap.js';
import { emailEnvSchema } from './config.js';

async function main(): Promise<void> {
  const config = loadConfig(emailEnvSchema);
  const logger = createLogger('email', config.LOG_LEVEL);
  const app = await createEmailApp(config, logger);
  installGracefulShutdown(app, logger, config.SHUTDOWN_TIMEOUT_MS);
  await app.listen(config.PORT);
  logger.info({ port: config.PORT }, `email listening on http://127.0.0.1:${config.PORT} (health /health)`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DependencyUnavailable) {
    console.error(`email: ${err.message}`);
  } else {
    console.error('email: failed to start:', err);
  }
  process.exit(1);
});

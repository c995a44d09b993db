import 'reflect-metadata';
import { ConfigError, createLogger, DependencyUnavailable, installGracefulShutdown, loadConfig } from '@switchboard/common';
import { createCoreApp } from './bootstrap.js';
import { coreEnvSchema } from './config.js';

async function main(): Promise<void> {
  const config = loadConfig(coreEnvSchema);
  const logger = createLogger('core', config.LOG_LEVEL);
  const app = await createCoreApp(config, logger);
  installGracefulShutdown(app, logger, config.SHUTDOWN_TIMEOUT_MS);
  await app.listen(config.PORT);
  logger.info({ port: config.PORT }, `core listening on http://127.0.0.1:${config.PORT} (API /api/v1, docs /api/docs)`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DependencyUnavailable) {
    console.error(`core: ${err.message}`);
  } else {
    console.error('core: failed to start:', err);
  }
  process.exit(1);
});

import 'reflect-metadata';
import { ConfigError, createLogger, DependencyUnavailable, installGracefulShutdown, loadConfig } from '@switchboard/common';
import { createWebformApp } from './bootstrap.js';
import { webformEnvSchema } from './config.js';

async function main(): Promise<void> {
  const config = loadConfig(webformEnvSchema);
  const logger = createLogger('webform', config.LOG_LEVEL);
  const app = await createWebformApp(config, logger);
  installGracefulShutdown(app, logger, config.SHUTDOWN_TIMEOUT_MS);
  await app.listen(config.PORT);
  logger.info(
    { port: config.PORT },
    `webform listening on http://127.0.0.1:${config.PORT} (widget /widget.js${config.WEBFORM_DEMO_PAGE ? ', demo page /demo' : ''})`,
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DependencyUnavailable) {
    console.error(`webform: ${err.message}`);
  } else {
    console.error('webform: failed to start:', err);
  }
  process.exit(1);
});

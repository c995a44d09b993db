export * from './config.js';
export * from './logger.js';
export * from './errors.js';
export * from './validation.js';
export * from './health.js';
export * from './shutdown.js';
export * from './public.js';
export * from './html.js';

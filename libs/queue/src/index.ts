export * from './redis.js';
export * from './options.js';
export * from './queue.module.js';
export * from './parse-job.js';
export * from './error-logger.js';
export * from './observed-worker-host.js';
export * from './check-redis.js';
export * from './lease.js';

export * from './queues.js';
export * from './messages.js';
export * from './jobs.js';
export * from './webform.js';

export * from './queues.js';
export * from './messages.js';
export * from './jobs.js';
export * from './customer-events.js';
export * from './webform.js';

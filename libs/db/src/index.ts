export * from './entities/index.js';
export * from './migrations/index.js';
export * from './data-source-options.js';
export * from './ensure-database.js';
export * from './attachment-store.js';

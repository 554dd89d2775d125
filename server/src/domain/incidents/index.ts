export * from './types.js';
export * from './maintenance.js';
export * from './incident-id.js';
export * from './condition.js';
export * from './silent-till.js';
export * from './record.js';
export * from './engine.js';
export * from './model.js';

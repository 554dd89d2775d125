export * from './duration.js';
export * from './clock.js';
export * from './status.js';
export * from './providers.js';

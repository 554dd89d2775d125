export * from './signature.js';
export * from './payload.js';
export * from './chat.js';
export * from './outbox.js';
export * from './senders.js';
export * from './dispatch.js';
export * from './destination.js';

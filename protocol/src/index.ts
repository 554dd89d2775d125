export * from './ids.js';
export * from './timestamps.js';
export * from './topics.js';
export * from './client-id.js';
export * from './components.js';
// Payload types only: the TypeBox schemas themselves are in '@storepulse/protocol/schemas', so importing
// topics or types never loads TypeBox (the web bundle and the till agent's memory stay small).
export type * from './schemas.js';
export * from './state.js';
export * from './events.js';
export * from './money.js';
export * from './failing.js';
export type * from './reports.js';

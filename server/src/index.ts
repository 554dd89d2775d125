export { startServer, type RunningServer, type StartOptions } from './server.js';
export { ConfigError } from './config/config-error.js';

import { pino, type Logger } from 'pino';

/** The server's logger. Credentials never reach it: these paths are censored wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'storepulse' },
    redact: {
      paths: ['password', 'token', '*.password', '*.token', 'headers.authorization', 'headers.cookie', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}

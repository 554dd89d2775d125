/** One JSON line per event on stderr: enough for journald and the Windows event log wrapper, no extra dependency. */
export function consoleLogger(): {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
} {
  const line = (level: string) => (o: object, msg?: string) => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...o })}\n`);
  };
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

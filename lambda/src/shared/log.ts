/**
 * One JSON line per event (the functions' log groups use the JSON log format). Callers pass
 * identifiers and reasons, never secret values or raw payloads.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export function consoleLogger(component: string): Logger {
  const write = (level: string, message: string, fields?: LogFields): void => {
    const line = JSON.stringify({ level, component, message, ...fields });
    if (level === 'error') console.error(line);
    else if (level === 'warn') console.warn(line);
    else console.log(line);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** A logger that keeps its lines, for tests and for callers that want to inspect what was logged. */
export function memoryLogger(): Logger & { lines: { level: string; message: string; fields: LogFields }[] } {
  const lines: { level: string; message: string; fields: LogFields }[] = [];
  const keep =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      void lines.push({ level, message, fields });
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') };
}

/** The name and first line of an error: enough to diagnose, never a dump of request data. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.split('\n')[0] ?? ''}`;
  return String(e);
}

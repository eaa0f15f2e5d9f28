// The server's log: one JSON object per line on stderr ({time, level, msg, …fields}), for log
// collectors. Fields come from AuditEvent and fixed texts, never from a request body, so no value
// can reach it.
import type { OutStream } from '../core/interactive.js';

export type LogLevel = 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

export function jsonLog(stream: OutStream): Log {
  return (level, msg, fields = {}) => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  };
}

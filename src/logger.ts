import { inspect } from 'node:util';
import { LogLevel, type Logger } from '@slack/bolt';

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Token shapes that must never be written even if nobody registered them as secrets:
 * Slack tokens, and Authorization headers a library might dump in an error.
 */
const tokenPatterns: RegExp[] = [
  /\bxox[abposr]-[A-Za-z0-9-]+/g,
  /\bxapp-[A-Za-z0-9-]+/g,
  /(Token token=)[^\s"',]+/gi,
  /(Bearer )[^\s"',]+/gi,
  // JSON, util.inspect's single quotes (a logged object), JSON inside a JSON string (\"), and query strings.
  /(routing_key\\?["']?\s*[:=]\s*\\?["']?)[A-Za-z0-9]{32}/gi,
  // The password of a PostgreSQL URL (DATABASE_URL, or one a library prints in an error).
  /(\bpostgres(?:ql)?:\/\/[^:/?#@\s]*:)[^@\s]+(?=@)/gi,
];

export interface LogSink {
  write(line: string): void;
}

/** What a log line becomes; exported so the tests can assert that redaction holds for any input. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('[redacted]');
  }
  for (const pattern of tokenPatterns) {
    out = out.replace(pattern, (_match, prefix?: string) => `${typeof prefix === 'string' ? prefix : ''}[redacted]`);
  }
  return out;
}

/**
 * A Bolt-compatible logger that scrubs every configured secret and anything shaped
 * like a token from every line, at every level, before it is written.
 */
export class RedactingLogger implements Logger {
  private level: LogLevel;
  private name = 'deployday';
  /**
   * A level given here is the deployment's LOG_LEVEL and stays. Bolt's App, given a logger but no
   * logLevel, sets its logger to its own default (info) while it is constructed: LOG_LEVEL=debug
   * (or warn, or error) was silently undone a moment after start (found by
   * test/integration/logSecrets.test.ts). So setLevel moves only a logger created without a level.
   */
  private readonly pinned: boolean;

  constructor(
    private readonly secrets: string[],
    private readonly sink: LogSink = { write: (line) => process.stdout.write(`${line}\n`) },
    level?: LogLevel | 'debug' | 'info' | 'warn' | 'error',
  ) {
    this.level = (level ?? LogLevel.INFO) as LogLevel;
    this.pinned = level !== undefined;
  }

  /** Adds values to scrub (e.g. a token learned after start). */
  addSecret(secret: string): void {
    if (secret.length >= 6) this.secrets.push(secret);
  }

  debug(...msg: unknown[]): void {
    this.log(LogLevel.DEBUG, msg);
  }
  info(...msg: unknown[]): void {
    this.log(LogLevel.INFO, msg);
  }
  warn(...msg: unknown[]): void {
    this.log(LogLevel.WARN, msg);
  }
  error(...msg: unknown[]): void {
    this.log(LogLevel.ERROR, msg);
  }
  setLevel(level: LogLevel): void {
    if (!this.pinned) this.level = level;
  }
  getLevel(): LogLevel {
    return this.level;
  }
  setName(name: string): void {
    this.name = name;
  }

  private log(level: LogLevel, msg: unknown[]): void {
    if (order[level] < order[this.level]) return;
    const text = msg.map((m) => (typeof m === 'string' ? m : inspect(m, { depth: 4, breakLength: Infinity }))).join(' ');
    const line = `${new Date().toISOString()} ${level.toUpperCase()} [${this.name}] ${text}`;
    this.sink.write(redact(line, this.secrets));
  }
}

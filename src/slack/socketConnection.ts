import { SocketModeReceiver, type Logger, type LogLevel } from '@slack/bolt';

/** What /healthz says about the Socket Mode link. */
export interface SocketStatus {
  transport: 'socket';
  /** connecting: not yet (or no longer) linked and trying; connected: Slack said hello. */
  state: 'connecting' | 'connected' | 'stopped';
  /** ISO time of the last state change. */
  since: string;
  /** Connections Slack greeted since start (1 after the first). */
  connections: number;
  /** The last reason a connection failed or ended, without any token. */
  lastProblem: string | null;
}

export interface SocketConnectionOptions {
  appToken: string;
  apiUrl: string;
  logger: Logger;
  logLevel: LogLevel;
  /** First retry delay after a failed connect; doubled up to maxDelayMs (tests shorten both). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
}

export interface SocketConnection {
  receiver: SocketModeReceiver;
  /** Connects, retrying with backoff until linked; resolves on the first hello. */
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): SocketStatus;
  /** Milliseconds since the link was last up (0 while connected). */
  downForMs(): number;
}

/**
 * Socket Mode with our own reconnection. The client's built-in one gives up (and rejects a promise
 * nobody awaits) when apps.connections.open cannot be reached, so a Slack outage at start or
 * during a reconnect would end the process; here every failure is logged and retried with backoff,
 * and a dropped or refreshed link is re-opened at once.
 */
export function createSocketConnection(options: SocketConnectionOptions): SocketConnection {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const receiver = new SocketModeReceiver({
    appToken: options.appToken,
    logger,
    logLevel: options.logLevel,
    autoReconnectEnabled: false,
    // apps.connections.open goes to the configured API (the fake in tests); no retries of its own:
    // the backoff below is the one place that waits.
    installerOptions: { clientOptions: { slackApiUrl: options.apiUrl, retryConfig: { retries: 0 } } },
  });

  let state: SocketStatus['state'] = 'connecting';
  let since = now();
  let downSince: number | null = now();
  let connections = 0;
  let lastProblem: string | null = null;
  let stopping = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;
  let connecting: Promise<void> | null = null;
  let firstHello: (() => void) | null = null;
  const firstConnected = new Promise<void>((resolve) => {
    firstHello = resolve;
  });

  const setState = (next: SocketStatus['state']): void => {
    if (next === state) return;
    state = next;
    since = now();
  };

  const connect = async (): Promise<void> => {
    if (stopping) return;
    setState('connecting');
    try {
      await receiver.client.start();
      attempt = 0;
      connections += 1;
      downSince = null;
      setState('connected');
      logger.info(connections === 1 ? 'Socket Mode connected to Slack' : `Socket Mode reconnected to Slack (connection ${connections})`);
      firstHello?.();
      firstHello = null;
    } catch (error) {
      attempt += 1;
      lastProblem = error instanceof Error ? error.message : String(error);
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, 16));
      logger.warn(`Socket Mode cannot reach Slack (${lastProblem}); retrying in ${delay / 1000} s (attempt ${attempt})`);
      schedule(delay);
    }
  };

  const schedule = (delayMs: number): void => {
    if (stopping || timer) return;
    timer = setTimeout(() => {
      timer = null;
      connecting = connect();
    }, delayMs);
  };

  // With auto-reconnect off, the client reports every lost link (disconnect message, network
  // drop, failed handshake) as 'disconnected'; a failed start also rejects, and connect() retries.
  receiver.client.on('disconnected', (error?: unknown) => {
    if (stopping || state !== 'connected') return;
    downSince ??= now();
    lastProblem = error instanceof Error ? error.message : 'the link to Slack closed';
    setState('connecting');
    logger.warn('Socket Mode link to Slack closed; reconnecting');
    schedule(0);
  });

  return {
    receiver,
    async start() {
      stopping = false;
      connecting = connect();
      await firstConnected;
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await connecting?.catch(() => undefined);
      await receiver.client.disconnect().catch(() => undefined);
      setState('stopped');
    },
    status: () => ({ transport: 'socket', state, since: new Date(since).toISOString(), connections, lastProblem }),
    downForMs: () => (downSince === null ? 0 : now() - downSince),
  };
}

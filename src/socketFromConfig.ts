import type { LogLevel } from '@slack/bolt';
import type { Config } from './config.js';
import type { DeploydayOptions } from './deploydayOptions.js';
import type { RedactingLogger } from './logger.js';
import { createSocketConnection, type SocketConnection } from './slack/socketConnection.js';

/** Socket Mode's link to Slack when SLACK_APP_TOKEN is set; null in HTTP mode. */
export function socketFromConfig(config: Config, options: DeploydayOptions, logger: RedactingLogger): SocketConnection | null {
  if (!config.slackAppToken) return null;
  return createSocketConnection({
    appToken: config.slackAppToken,
    apiUrl: config.slackApiUrl,
    logger,
    logLevel: config.logLevel as LogLevel,
    ...(options.socketRetry?.baseMs !== undefined ? { baseDelayMs: options.socketRetry.baseMs } : {}),
    ...(options.socketRetry?.maxMs !== undefined ? { maxDelayMs: options.socketRetry.maxMs } : {}),
  });
}

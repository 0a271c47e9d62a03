import { type Config, ConfigError, loadConfig, secretsOf } from './config.js';
import { createDeployday } from './app.js';
import { redact } from './logger.js';
import { clockFromEnv } from './service/clock.js';

/** Scrubbed from the start failure's message too: a database that refuses a connection may be named by its URL. */
let secrets: string[] = [];

/** `npm start`: read the environment, open the database, start the bot; stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  secrets = secretsOf(config);
  const clock = clockFromEnv(process.env);
  // Opens the database (SQLite, or PostgreSQL at DATABASE_URL) and applies its migrations first.
  // Tests only (a bot killed mid-post): how late Slack may carry out a post that got no answer, default 20 s.
  const lateLandingMs = Number(process.env.DEPLOYDAY_LATE_LANDING_MS) || undefined;
  const bot = await createDeployday(config, { clock, lateLandingMs });
  if (process.env.DEPLOYDAY_CLOCK_SCALE)
    bot.logger.warn(`running on an accelerated clock (x${process.env.DEPLOYDAY_CLOCK_SCALE}): for rehearsals and tests only`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    bot.logger.info(`${signal}: stopping`);
    bot.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await bot.start();
}

main().catch((error: unknown) => {
  process.stderr.write(`${redact(`deployday failed to start: ${error instanceof Error ? error.message : String(error)}`, secrets)}\n`);
  process.exit(1);
});

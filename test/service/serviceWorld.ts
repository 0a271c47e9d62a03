/**
 * The use cases on their real dependencies: SQLite in memory with the real migrations, the real
 * checklist catalog reading markdown files, the real message layout; only time is fixed (and moved
 * by hand), and the events the use cases announce are recorded instead of starting loops.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChecklistCatalog } from '../../src/service/checklistCatalog.js';
import { createServices, type Services } from '../../src/service/createServices.js';
import { messageLayout } from '../../src/slack/messageLayout.js';
import { openDatabase, prepared, type Db } from '../../src/store/db.js';

const MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', 'migrations');

export const T_START = Date.parse('2026-11-23T12:00:00Z');

export interface ServiceWorld {
  services: Services;
  db: Db;
  clock: { now(): number; set(ms: number): void };
  events: { messagesChanged: number[]; stateChanged: number[] };
  close(): Promise<void>;
}

/** Builds the services over the given checklists (file name → markdown) at a fixed moment. */
export function serviceWorld(checklists: Record<string, string>, options: { admins?: string[] } = {}): ServiceWorld {
  const dir = mkdtempSync(join(tmpdir(), 'deployday-service-'));
  for (const [name, text] of Object.entries(checklists)) writeFileSync(join(dir, `${name}.md`), text);
  const db = openDatabase(':memory:', MIGRATIONS_DIR);
  let now = T_START;
  const clock = { now: () => now, set: (ms: number) => void (now = ms) };
  const events = { messagesChanged: [] as number[], stateChanged: [] as number[] };
  const services = createServices({
    db,
    catalog: new ChecklistCatalog(dir),
    clock,
    layout: messageLayout,
    events: {
      messagesChanged: (id) => {
        events.messagesChanged.push(id);
      },
      stateChanged: (id) => {
        events.stateChanged.push(id);
      },
    },
    onQueued: () => {},
    ...(options.admins ? { admins: options.admins } : {}),
  });
  return {
    services,
    db,
    clock,
    events,
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface AuditRow {
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}

export async function auditOf(db: Db, runId: number | null, action?: string): Promise<AuditRow[]> {
  // `run_id IS ?` is SQLite's alone; spelled out, the query reads the same on PostgreSQL.
  const where = [runId === null ? 'run_id IS NULL' : 'run_id = ?', ...(action ? ['action = ?'] : [])].join(' AND ');
  const params = [...(runId === null ? [] : [runId]), ...(action ? [action] : [])];
  const rows = (await prepared(db, `SELECT actor, action, target, detail_json FROM audit WHERE ${where} ORDER BY id`).all(...params)) as Array<{
    actor: string;
    action: string;
    target: string | null;
    detail_json: string | null;
  }>;
  return rows.map((r) => ({
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: r.detail_json ? (JSON.parse(r.detail_json) as Record<string, unknown>) : null,
  }));
}

/** Runs `fn` and returns the DomainError-shaped thing it threw or rejected with (code and params), failing if it did not. */
export async function thrownBy(fn: () => unknown): Promise<{ code: string; params: Record<string, unknown> }> {
  try {
    await fn();
  } catch (error) {
    return error as { code: string; params: Record<string, unknown> };
  }
  throw new Error('expected a refusal, but it was allowed');
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase } from '../../src/store/db.js';
import { MIGRATIONS } from './storeFixtures.js';

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deployday-store-'));
  folders.push(dir);
  return dir;
}

describe('opening the database', () => {
  it('creates the missing folder and applies every migration, in number order', async () => {
    const path = join(tempFolder(), 'nested', 'deployday.db');
    const db = openDatabase(path, MIGRATIONS);
    const versions = ((await db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()) as Array<{ version: number }>).map(
      (r) => r.version,
    );
    await db.close();
    expect(versions.length).toBeGreaterThanOrEqual(3);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions[0]).toBe(1);
  });

  it('applies nothing twice when the bot restarts on the same file', async () => {
    const path = join(tempFolder(), 'deployday.db');
    await openDatabase(path, MIGRATIONS).close();
    const again = openDatabase(path, MIGRATIONS);
    expect(applyMigrations(again.raw, MIGRATIONS)).toEqual([]);
    await again.close();
  });

  it('keeps a file database in WAL mode with foreign keys enforced', async () => {
    const db = openDatabase(join(tempFolder(), 'deployday.db'), MIGRATIONS);
    // SQLite's own settings: read on the connection underneath the adapter.
    expect(db.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.raw.pragma('foreign_keys', { simple: true })).toBe(1);
    await db.close();
  });
});

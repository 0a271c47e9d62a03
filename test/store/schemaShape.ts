/**
 * The shape of a migrated schema, read the same way from both engines so they can be compared:
 * tables, columns (name, nullability), primary keys, unique constraints, named indexes (unique,
 * partial, columns), foreign keys and trigger names. Types are left out on purpose: SQLite's
 * INTEGER is BIGINT or INTEGER on PostgreSQL (docs/high-availability-plan.md).
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';

export interface TableShape {
  columns: Array<{ name: string; notNull: boolean }>;
  primaryKey: string[];
  /** Each UNIQUE constraint's columns, joined by commas, sorted. */
  unique: string[];
  /** Named indexes (not those that back a key), as "name(col, col) unique partial". */
  indexes: string[];
  /** "col -> table(col)", sorted. */
  foreignKeys: string[];
  triggers: string[];
}

export type SchemaShape = Record<string, TableShape>;

export function sqliteShape(db: Database.Database): SchemaShape {
  const shape: SchemaShape = {};
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as Array<{
    name: string;
  }>;
  for (const { name: table } of tables) {
    const info = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string; notnull: number; pk: number }>;
    const primaryKey = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const indexList = db.prepare(`PRAGMA index_list(${table})`).all() as Array<{ name: string; unique: number; origin: string; partial: number }>;
    const columnsOf = (index: string) =>
      (db.prepare(`PRAGMA index_info(${index})`).all() as Array<{ seqno: number; name: string }>)
        .sort((a, b) => a.seqno - b.seqno)
        .map((c) => c.name);
    const fks = db.prepare(`PRAGMA foreign_key_list(${table})`).all() as Array<{ from: string; table: string; to: string }>;
    const triggers = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name`).all(table) as Array<{
      name: string;
    }>;
    shape[table] = {
      // A key column cannot be NULL on PostgreSQL; on SQLite a non-integer PRIMARY KEY of a rowid
      // table still accepts NULL (a documented legacy quirk) unless declared NOT NULL. No writer
      // relies on it, so key columns count as NOT NULL on both sides.
      columns: info.map((c) => ({ name: c.name, notNull: c.notnull === 1 || c.pk > 0 })),
      primaryKey,
      unique: indexList
        .filter((i) => i.origin === 'u')
        .map((i) => columnsOf(i.name).join(','))
        .sort(),
      indexes: indexList
        .filter((i) => i.origin === 'c')
        .map((i) => describeIndex(i.name, columnsOf(i.name), i.unique === 1, i.partial === 1))
        .sort(),
      foreignKeys: fks.map((f) => `${f.from} -> ${f.table}(${f.to})`).sort(),
      triggers: triggers.map((t) => t.name),
    };
  }
  return shape;
}

export async function postgresShape(client: pg.Client): Promise<SchemaShape> {
  const shape: SchemaShape = {};
  const tables = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  for (const { table_name: table } of tables.rows) {
    const columns = await client.query<{ column_name: string; is_nullable: string }>(
      `SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    const constraintColumns = async (type: string) =>
      (
        await client.query<{ constraint_name: string; column_name: string }>(
          `SELECT tc.constraint_name, k.column_name FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema
           WHERE tc.table_schema = 'public' AND tc.table_name = $1 AND tc.constraint_type = $2 ORDER BY tc.constraint_name, k.ordinal_position`,
          [table, type],
        )
      ).rows;
    const byConstraint = new Map<string, string[]>();
    for (const row of await constraintColumns('UNIQUE'))
      byConstraint.set(row.constraint_name, [...(byConstraint.get(row.constraint_name) ?? []), row.column_name]);
    const indexes = await client.query<{ name: string; unique: boolean; partial: boolean; columns: string[] }>(
      `SELECT i.relname AS name, ix.indisunique AS unique, ix.indpred IS NOT NULL AS partial,
              array(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n) AS columns
       FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = 'public' AND t.relname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)`,
      [table],
    );
    const fks = await client.query<{ def: string }>(
      `SELECT a.attname || ' -> ' || rt.relname || '(' || ra.attname || ')' AS def
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class rt ON rt.oid = c.confrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
       WHERE c.contype = 'f' AND t.relname = $1`,
      [table],
    );
    const triggers = await client.query<{ tgname: string }>(
      `SELECT tg.tgname FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid WHERE t.relname = $1 AND NOT tg.tgisinternal ORDER BY tg.tgname`,
      [table],
    );
    shape[table] = {
      columns: columns.rows.map((c) => ({ name: c.column_name, notNull: c.is_nullable === 'NO' })),
      primaryKey: (await constraintColumns('PRIMARY KEY')).map((r) => r.column_name),
      unique: [...byConstraint.values()].map((cols) => cols.join(',')).sort(),
      indexes: indexes.rows.map((i) => describeIndex(i.name, i.columns, i.unique, i.partial)).sort(),
      foreignKeys: fks.rows.map((r) => r.def).sort(),
      triggers: triggers.rows.map((r) => r.tgname),
    };
  }
  return shape;
}

function describeIndex(name: string, columns: string[], unique: boolean, partial: boolean): string {
  return `${name}(${columns.join(', ')})${unique ? ' unique' : ''}${partial ? ' partial' : ''}`;
}

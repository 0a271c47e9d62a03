/**
 * Every SQL statement text in src/store/*.ts, found in the source (TypeScript's parser) rather than
 * listed by hand: string literals passed to prepared(db, …), db.prepare(…) or db.exec(…). A
 * template's `${NAME}` is filled in when NAME is a string constant of the same file, and
 * `${xs.map(() => '?').join(', ')}` (a run-time IN list) becomes one `?`; any other template is
 * reported as not checkable; `${db.skipLocked}` and `${db.rowLock}` make one text per engine. A constant exported by
 * another store file fills a template too, and
 * the statements leasedOutbox.ts builds per table are collected by calling it (see there), once
 * per engine's `skipLocked`. db.ts, dbInterface.ts, sqliteDb.ts and the postgres*.ts adapter files hold engine-specific plumbing
 * and are left out, as is runChangeSignals.ts (PostgreSQL's NOTIFY, which SQLite never runs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { Db } from '../../src/store/db.js';
import { type LeasedOutboxTable, leasedOutbox } from '../../src/store/leasedOutbox.js';
import { toPostgresText } from '../../src/store/postgresParameters.js';

export interface StoreStatement {
  /** file:line, e.g. runs.ts:79 */
  where: string;
  sql: string;
  /** The engine this text is for, when the store builds one per engine (with db.skipLocked or db.rowLock); else both. */
  engine?: 'sqlite' | 'postgres';
}

export interface CollectedStatements {
  statements: StoreStatement[];
  /** Built at run time from parts this collector cannot follow. */
  notCheckable: string[];
}

const ENGINE_PLUMBING = new Set([
  'db.ts',
  'dbInterface.ts',
  'sqliteDb.ts',
  'postgresMigrations.ts',
  'postgresDb.ts',
  'postgresParameters.ts',
  'postgresPool.ts',
  'runChangeSignals.ts',
]);

export function collectStoreStatements(storeDir: string): CollectedStatements {
  const statements: StoreStatement[] = [];
  const notCheckable: string[] = [];
  const sources = readdirSync(storeDir)
    .filter((f) => f.endsWith('.ts') && !ENGINE_PLUMBING.has(f))
    .map((file) => ts.createSourceFile(file, readFileSync(join(storeDir, file), 'utf8'), ts.ScriptTarget.ES2022, true));
  // A constant another store file exports (AUDIT_COLUMNS) fills a template as one of this file's does.
  const shared = new Map(sources.flatMap((source) => [...stringConstants(source)]));
  for (const source of sources) {
    const file = source.fileName;
    const constants = new Map([...shared, ...stringConstants(source)]);
    const visit = (node: ts.Node): void => {
      const outbox = leasedOutboxTable(node);
      if (outbox) statements.push(...leasedOutboxStatements(outbox, `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`));
      const argument = file === FACTORY ? undefined : sqlArgument(node);
      if (argument) {
        const where = `${file}:${source.getLineAndCharacterOfPosition(argument.getStart()).line + 1}`;
        // A claim that ends with `${db.skipLocked}`, or a read with `${db.rowLock}`, is one text per engine.
        const perEngine = /\$\{db\.(skipLocked|rowLock)\}/.test(argument.getText());
        const variants = perEngine ? ENGINE_LOCKS : [{ engine: undefined, skipLocked: '', rowLock: '' }];
        for (const { engine, ...locks } of variants) {
          const sql = literalText(argument, constants, locks);
          if (sql === undefined) {
            notCheckable.push(where);
            break;
          }
          statements.push(engine ? { where, sql, engine } : { where, sql });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { statements, notCheckable };
}

/**
 * leasedOutbox.ts builds its statements from the table it is given, so they are collected by
 * calling it, once per `leasedOutbox({ … })` of the store, with a Db that records what is prepared.
 */
const FACTORY = 'leasedOutbox.ts';

function leasedOutboxTable(node: ts.Node): LeasedOutboxTable | undefined {
  if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'leasedOutbox') return undefined;
  const [config] = node.arguments;
  if (!config || !ts.isObjectLiteralExpression(config)) return undefined;
  const table: Record<string, string> = {};
  for (const property of config.properties) {
    if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && ts.isStringLiteral(property.initializer)) {
      table[property.name.text] = property.initializer.text;
    }
  }
  return table as unknown as LeasedOutboxTable;
}

function leasedOutboxStatements(table: LeasedOutboxTable, where: string): StoreStatement[] {
  const sqlite = recordedStatements(table, '');
  const postgres = recordedStatements(table, ' FOR UPDATE SKIP LOCKED');
  const at = `${FACTORY} for ${table.table} (${where})`;
  return sqlite.flatMap((sql, i): StoreStatement[] =>
    sql === postgres[i]
      ? [{ where: at, sql }]
      : [
          { where: at, sql, engine: 'sqlite' },
          { where: at, sql: postgres[i]!, engine: 'postgres' },
        ],
  );
}

/** What one outbox prepares on a Db whose skipLocked is `skipLocked`, in call order. */
function recordedStatements(table: LeasedOutboxTable, skipLocked: string): string[] {
  const seen: string[] = [];
  // Plain empty results: the synchronous store uses them as they are, the async one awaits them.
  const recorder = {
    skipLocked,
    prepare(sql: string) {
      seen.push(sql);
      return { run: () => ({ changes: 0 }), get: () => undefined, all: () => [] };
    },
  } as unknown as Db;
  const outbox = leasedOutbox(table);
  const calls: Array<() => unknown> = [
    () => outbox.claimDue(recorder, 0, 1),
    () => outbox.releaseSending(recorder, 0),
    () => outbox.markSent(recorder, 1, 0, 200),
    () => outbox.markRetry(recorder, 1, 0, 'error', null),
    () => outbox.markFailed(recorder, 1, 'error', null),
    () => outbox.renew(recorder, [1], { by: 'replica', now: 0, ms: 1 }),
  ];
  // Called now: each prepares its statement before its first await, so `seen` is complete on return.
  for (const call of calls) {
    try {
      const result = call();
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // What the recorder answers is not what the store expects of a real row: only the SQL matters here.
    }
  }
  return seen;
}

/** The SQL argument of prepared(db, sql), x.prepare(sql) or x.exec(sql). */
function sqlArgument(node: ts.Node): ts.Expression | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const callee = node.expression;
  if (ts.isIdentifier(callee) && callee.text === 'prepared') return node.arguments[1];
  if (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'prepare' || callee.name.text === 'exec')) return node.arguments[0];
  return undefined;
}

function stringConstants(source: ts.SourceFile): Map<string, string> {
  const constants = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer;
      if (ts.isIdentifier(declaration.name) && init && (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init))) {
        constants.set(declaration.name.text, init.text);
      }
    }
  }
  return constants;
}

/** What `${db.skipLocked}` and `${db.rowLock}` are on each engine (src/store/sqliteDb.ts, postgresDb.ts). */
const ENGINE_LOCKS = [
  { engine: 'sqlite', skipLocked: '', rowLock: '' },
  { engine: 'postgres', skipLocked: ' FOR UPDATE SKIP LOCKED', rowLock: ' FOR NO KEY UPDATE' },
] as const;

function literalText(
  node: ts.Expression,
  constants: Map<string, string>,
  locks: { skipLocked: string; rowLock: string } = { skipLocked: '', rowLock: '' },
): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (!ts.isTemplateExpression(node)) return undefined;
  let text = node.head.text;
  for (const span of node.templateSpans) {
    const part = ts.isIdentifier(span.expression)
      ? constants.get(span.expression.text)
      : span.expression.getText() === 'db.skipLocked'
        ? locks.skipLocked
        : span.expression.getText() === 'db.rowLock'
          ? locks.rowLock
          : placeholderList(span.expression);
    if (part === undefined) return undefined;
    text += part + span.literal.text;
  }
  return text;
}

/** `${xs.map(() => '?').join(', ')}`: one placeholder per element, checked here as a single one. */
function placeholderList(expression: ts.Expression): string | undefined {
  return /^\w+(\.\w+)*\.map\(\(\) => '\?'\)\.join\(', '\)$/.test(expression.getText()) ? '?' : undefined;
}

/** The statement as the PostgreSQL adapter sends it (src/store/postgresParameters.ts, the one scanner). */
export function toPostgresParameters(sql: string): string {
  return toPostgresText(sql).text;
}

/**
 * Every SQL statement text in src/store/*.ts, found in the source (TypeScript's parser) rather than
 * listed by hand: string literals passed to prepared(db, …), db.prepare(…) or db.exec(…). A
 * template's `${NAME}` is filled in when NAME is a string constant of the same file, and
 * `${xs.map(() => '?').join(', ')}` (a run-time IN list) becomes one `?`; any other template is
 * reported as not checkable. db.ts and the postgres*.ts adapter files hold engine-specific
 * plumbing and are left out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { toPostgresText } from '../../src/store/postgresParameters.js';

export interface StoreStatement {
  /** file:line, e.g. runs.ts:79 */
  where: string;
  sql: string;
}

export interface CollectedStatements {
  statements: StoreStatement[];
  /** Built at run time from parts this collector cannot follow. */
  notCheckable: string[];
}

const ENGINE_PLUMBING = new Set(['db.ts', 'postgresMigrations.ts', 'postgresDb.ts', 'postgresParameters.ts', 'postgresPool.ts']);

export function collectStoreStatements(storeDir: string): CollectedStatements {
  const statements: StoreStatement[] = [];
  const notCheckable: string[] = [];
  for (const file of readdirSync(storeDir).filter((f) => f.endsWith('.ts') && !ENGINE_PLUMBING.has(f))) {
    const source = ts.createSourceFile(file, readFileSync(join(storeDir, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    const constants = stringConstants(source);
    const visit = (node: ts.Node): void => {
      const argument = sqlArgument(node);
      if (argument) {
        const where = `${file}:${source.getLineAndCharacterOfPosition(argument.getStart()).line + 1}`;
        const sql = literalText(argument, constants);
        if (sql === undefined) notCheckable.push(where);
        else statements.push({ where, sql });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { statements, notCheckable };
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

function literalText(node: ts.Expression, constants: Map<string, string>): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (!ts.isTemplateExpression(node)) return undefined;
  let text = node.head.text;
  for (const span of node.templateSpans) {
    const part = ts.isIdentifier(span.expression) ? constants.get(span.expression.text) : placeholderList(span.expression);
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

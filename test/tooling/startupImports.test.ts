/**
 * Issue 14 (memory): what a configuration does not use is imported only when it is used, so an idle
 * bot on SQLite does not carry it. The check walks src/main.ts's static imports (`import type` and
 * `import()` excluded) with TypeScript's parser and lists the packages they reach; the same walk
 * following `import()` too must find those packages, so a walker that finds nothing cannot pass.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const ENTRY = join(REPO_ROOT, 'src', 'main.ts');

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Module specifiers a file loads: static value imports and re-exports, plus `import()` when asked. */
function specifiersOf(file: string, withDynamic: boolean): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (withDynamic && ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every package (node: builtins left out) reachable from `entry` through src/ files. */
function packagesReachedFrom(entry: string, withDynamic: boolean): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of specifiersOf(file, withDynamic)) {
      if (specifier.startsWith('node:')) continue;
      if (!specifier.startsWith('.')) {
        packages.add(packageOf(specifier));
        continue;
      }
      const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
      if (existsSync(target)) queue.push(target);
    }
  }
  return packages;
}

describe('what the bot loads at start', () => {
  // node-cron: only a bot with a run active beats (src/jobs/tickLoop.ts).
  const optional = ['pg', '@resvg/resvg-js', '@pagerduty/pdjs', 'node-cron'];

  it('reaches PostgreSQL, the report renderer, PagerDuty and node-cron through import() only', () => {
    const withDynamic = packagesReachedFrom(ENTRY, true);
    const atStart = packagesReachedFrom(ENTRY, false);
    for (const name of optional) expect(withDynamic, `${name} is used by the bot`).toContain(name);
    expect(atStart).toContain('@slack/bolt');
    expect(atStart).toContain('better-sqlite3');
    expect(optional.filter((name) => atStart.has(name))).toEqual([]);
  });
});

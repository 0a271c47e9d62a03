import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './sharedSamples.js';

/**
 * Counts of the work text processing makes the regex engine do, instead of timings: the same on any
 * machine, however busy. Two halves, because a slow regex can hide in either:
 * - `regexSearches`: how many searches the code starts (a loop re-running a regex per character is
 *   quadratic with every single search fast);
 * - `regexesOverBacktrackBudget`: which regexes backtrack more than a budget in one search attempt
 *   (catastrophic backtracking, e.g. `\s*…\s*` around a run of spaces, is one search that never ends).
 */

/** How many regex searches `run` starts: test, match, replace, split and exec all go through RegExp.prototype.exec. */
export function regexSearches(run: () => void): number {
  const exec = RegExp.prototype.exec;
  let searches = 0;
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    searches++;
    return exec.call(this, input);
  };
  try {
    run();
  } finally {
    RegExp.prototype.exec = exec;
  }
  return searches;
}

/**
 * The regexes (their source) that backtracked more than `budget` times in one search attempt while
 * `call` ran on each input. V8 counts the backtracks: with this flag it hands a search over the
 * budget to its linear engine and, traced, names the regex. Runs the built code (dist/, as
 * `npm test` builds it) in a child node, since the flags must be set before any regex compiles.
 *
 * @param modulePath the built module, relative to the repository, e.g. `dist/domain/parseChecklist.js`
 * @param call source of `(m, input) => void`, given the module's exports and one input
 */
export function regexesOverBacktrackBudget(modulePath: string, call: string, inputs: string[], budget: number): string[] {
  const url = pathToFileURL(path.join(repoRoot, modulePath)).href;
  const script = `
    import { readFileSync } from 'node:fs';
    const m = await import(${JSON.stringify(url)});
    const call = ${call};
    for (const input of JSON.parse(readFileSync(0, 'utf8'))) call(m, input);
  `;
  const child = spawnSync(
    process.execPath,
    [
      '--enable-experimental-regexp-engine-on-excessive-backtracks',
      `--regexp-backtracks-before-fallback=${budget}`,
      '--trace-experimental-regexp-engine',
      '--input-type=module',
      '-e',
      script,
    ],
    { input: JSON.stringify(inputs), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`the regex work probe failed (${child.status}): ${child.stderr}`);
  // One line per search handed over, e.g. `Experimental execution (oneshot) of regexp 0x… <String[4]: #\\s+$>`
  // (V8 doubles the backslashes).
  const over = [...child.stdout.matchAll(/^Experimental execution .*?<String\[\d+\]: #(.*)>$/gm)].map((m) => m[1]!.replaceAll('\\\\', '\\'));
  return [...new Set(over)];
}

/**
 * Guards the async store (issue 15): no promise in src/ is left floating (see floatingPromises.ts).
 * The checker is first shown a small program with each kind of floating promise and each way of
 * handling one, so a checker that quietly finds nothing cannot pass.
 */
import { join, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { findFloatingPromises, programOf } from './floatingPromises.js';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(REPO_ROOT, 'src') + sep;

const FIXTURE = `
async function bump(id: number): Promise<number> { return id; }
function later(fn: () => void): void { fn(); }
function takes(p: Promise<number>): Promise<number> { return p; }
export async function handled(): Promise<number> {
  await bump(1);
  void bump(2); // fire and forget on purpose
  takes(bump(3)).catch(() => undefined);
  const kept = bump(4);
  later(() => undefined);
  later(() => void bump(5));
  return kept;
}
export function floating(): void {
  bump(10);
  bump(11).then(() => undefined);
  later(() => bump(12));
  later(async () => { await bump(13); });
}
interface Job { start(): void; stop(): Promise<void> }
export const job: Job = { async start() { await bump(14); }, async stop() { await bump(15); } };
export async function misused(ids: number[]): Promise<number[]> {
  const isOdd = async (id: number) => id % 2 === 1;
  if (isOdd(18)) return ids.filter(isOdd);
  return ids.filter((id) => !isOdd(id));
}
export class Worker implements Job {
  async start(): Promise<void> { await bump(16); }
  async stop(): Promise<void> { await bump(17); }
}
`;

function fixtureProgram(): ts.Program {
  const fileName = join(REPO_ROOT, 'fixture.ts');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    strict: true,
    noEmit: true,
    lib: ['lib.es2022.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => (name === fileName ? ts.createSourceFile(name, FIXTURE, version) : read(name, version));
  return ts.createProgram({ rootNames: [fileName], options, host });
}

describe('the floating-promise check', () => {
  it('reports unawaited promise statements and async functions given where void is expected, and nothing handled', () => {
    const found = findFloatingPromises(fixtureProgram(), REPO_ROOT, () => true);
    expect(found.map((f) => `${f.kind} ${f.text}`)).toEqual([
      'statement bump(10)',
      'statement bump(11).then(() => undefined)',
      'void-callback () => bump(12)',
      'void-callback async () => { await bump(13); }',
      'void-callback async start() { await bump(14); }',
      'condition isOdd(18)',
      'misused isOdd',
      'condition isOdd(id)',
      'void-callback async start(): Promise<void> { await bump(16); }',
    ]);
    expect(found[0]?.at).toBe('fixture.ts:15');
  });

  it('finds no floating promise in src/', () => {
    const program = programOf(join(REPO_ROOT, 'tsconfig.json'), (files) => files.filter((f) => f.startsWith(SRC)));
    const found = findFloatingPromises(program, REPO_ROOT, (f) => f.startsWith(SRC));
    expect(found.map((f) => `${f.at} ${f.text}`)).toEqual([]);
    // Type-checks the whole of src/: tens of seconds on a busy machine.
  }, 240_000);
});

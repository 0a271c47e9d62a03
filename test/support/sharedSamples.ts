import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from test/support. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The shared sample checklists (../shared/samples beside the repository). Tests that need them fail
 * loudly when the folder is missing: a skipped test would report green while proving nothing.
 */
export function sharedSamplesDir(): string {
  const dir = path.resolve(repoRoot, '../shared/samples');
  if (!existsSync(dir)) {
    throw new Error(`the shared sample checklists are missing: expected them at ${dir} (../shared/samples beside the repository)`);
  }
  return dir;
}

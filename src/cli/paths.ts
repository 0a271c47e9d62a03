import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** migrations/ at the package root, from src/cli (tests) or dist/cli (the built bin). */
export const MIGRATIONS_DIR_FOR_CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

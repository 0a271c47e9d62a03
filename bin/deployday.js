#!/usr/bin/env node
// The `deployday` command (lint, rehearse, export). The TypeScript is compiled by `npm install` (prepare).
import('../dist/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('deployday: dist/ is missing; run `npm run build` first.\n');
    process.exit(1);
  }
  throw error;
});

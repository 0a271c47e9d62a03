/**
 * `npm run bench` (all) or `node --expose-gc bench/run.js ack coalescing scale` (some).
 *
 * Each bench runs in a child process of its own, so one bench's heap, sockets and JIT state do
 * not leak into the next; inside a child the baseline and deployday share the process, and the
 * figures are reported as ratios against that baseline. Exits non-zero only when a bench
 * crashes or overruns its time limit; a missed target is printed as MISSED.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { machineFacts } from './support/report.js';

const BENCHES = {
  ack: async () => (await import('./ack.js')).ackBench(),
  coalescing: async () => (await import('./coalescing.js')).coalescingBench(),
  scale: async () => (await import('./scale.js')).scaleBench(),
  report: async () => (await import('./report.js')).reportBench(),
  gateWait: async () => (await import('./gateWait.js')).gateWaitBench(),
  // Issue 15: PostgreSQL against SQLite, one replica against two, a lease expiry (starts its own PostgreSQL).
  ha: async () => (await import('./ha.js')).haBench(),
};
// The scale bench reads settled memory ten times (about 10 s each): 150 s was too close.
const LIMIT_MS = 240_000;
// ha starts PostgreSQL, waits out the runs' start margin twice and a 15 s lease twice. scale reads
// memory in nine fresh processes (three starts of each case) besides its own three readings.
const LIMITS_MS = { ha: 480_000, scale: 420_000 };

async function runChild(name) {
  try {
    await BENCHES[name]();
    process.exit(0);
  } catch (error) {
    console.error(`bench ${name} crashed:`, error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  }
}

function spawnBench(name) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', name], {
      stdio: ['inherit', 'pipe', 'inherit'],
    });
    // node-cron (the reminder poller's tick) prints a warning straight to stdout whenever the event
    // loop was busy past a tick; under a saturating load that is expected, so count them instead.
    let cronWarnings = 0;
    createInterface({ input: child.stdout }).on('line', (text) => {
      if (/NODE-CRON.*missed execution/.test(text)) cronWarnings += 1;
      else console.log(text);
    });
    const limitMs = LIMITS_MS[name] ?? LIMIT_MS;
    const timer = setTimeout(() => {
      console.error(`bench ${name} ran over ${limitMs / 1000} s; stopping it`);
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const cron = cronWarnings > 0 ? `; node-cron warned ${cronWarnings} time(s) of a missed reminder tick (event loop busy)` : '';
      console.log(`  (${name}: ${seconds} s${code === 0 ? '' : `, exit ${code ?? signal}`}${cron})`);
      resolve(code === 0);
    });
  });
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await runChild(args[1] ?? '');
} else {
  const unknown = args.filter((a) => !(a in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown bench: ${unknown.join(', ')} (have: ${Object.keys(BENCHES).join(', ')})`);
    process.exit(2);
  }
  const names = args.length > 0 ? args : Object.keys(BENCHES);
  console.log('deployday benchmarks');
  for (const fact of machineFacts()) console.log(`  ${fact}`);
  if (typeof globalThis.gc !== 'function') console.log('  (run with node --expose-gc for memory figures after collection)');
  let failed = 0;
  for (const name of names) if (!(await spawnBench(name))) failed += 1;
  if (failed > 0) {
    console.error(`\n${failed} bench(es) crashed`);
    process.exit(1);
  }
}

/**
 * Figures and how they are printed: percentiles, ratios against the baseline measured in the same
 * process, and a MISSED mark next to a figure that misses its target (a miss is a finding, not a
 * crash: the bench still exits 0).
 */
import os from 'node:os';

export function machineFacts() {
  const cpus = os.cpus();
  return [
    `node ${process.version} (${process.platform} ${process.arch})`,
    `cpu: ${cpus[0]?.model?.trim() ?? 'unknown'} × ${cpus.length} cores`,
    `memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total`,
    loadAverage(),
  ];
}

/** Other processes on the machine move every figure; printed so a reader can judge a run. */
export function loadAverage() {
  return `load average (1/5/15 min): ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' / ')}`;
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples, p) {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function summarize(samples) {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples.length ? Math.max(...samples) : NaN,
    mean: samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : NaN,
  };
}

export const ms = (v) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
export const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
export const ratio = (a, b) => (b > 0 ? a / b : NaN);

/** `value` followed by the target, and MISSED when `met` is false. */
export function against(value, target, met) {
  return `${value}   (target ${target})${met ? '' : '   MISSED'}`;
}

/** A ratio against issue 14's bound for it (`≤ 1.2x`, `≥ 0.8x`), MISSED when outside. */
export function againstRatio(value, sense, bound) {
  const met = sense === '≤' ? value <= bound : value >= bound;
  return against(`${value.toFixed(2)}x`, `${sense} ${bound}x`, met);
}

export function heading(title) {
  console.log(`\n=== ${title} ===`);
}

export function line(label, value) {
  console.log(`  ${label.padEnd(40)} ${value}`.trimEnd());
}

/**
 * Resident memory of an idle process, once it has settled: collected, then read every 500 ms for at
 * least 9 s and until the last four readings agree within 0.5 MiB (at most 12 s); the lowest reading.
 * An idle process hands back its start-up or work burst only after a few seconds, when V8's memory
 * reducer shrinks the heap it grew (seen here: a fresh bot at 110 MiB for 6 s after its start, then
 * 95 MiB for good; bare Bolt 76 then 68 MiB, after 20 runs 117 then 97 MiB); a read at once measured the burst, not the idle process. Bare Bolt and deployday are read
 * the same way. Needs node --expose-gc (npm run bench passes it).
 */
export async function settledRss() {
  const collect = async () => {
    for (let i = 0; i < 3; i += 1) {
      globalThis.gc?.();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return process.memoryUsage().rss;
  };
  const readings = [await collect()];
  const started = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    readings.push(await collect());
    const last = readings.slice(-4);
    const settled = last.length === 4 && Math.max(...last) - Math.min(...last) < 0.5 * 1024 * 1024;
    const elapsed = Date.now() - started;
    if ((elapsed >= 9_000 && settled) || elapsed >= 12_000) return Math.min(...readings);
  }
}

export const sleep = (msDelay) => new Promise((resolve) => setTimeout(resolve, msDelay));

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes; resolves with success. */
export async function pollUntil(check, { timeoutMs, everyMs = 10 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

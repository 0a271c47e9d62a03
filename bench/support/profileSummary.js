/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function, largest first, and
 * optionally the inclusive time of named functions. Used for the profile tables in
 * docs/performance.md.
 *
 *   node bench/support/profileSummary.js <file.cpuprofile> [--top 40] [--inclusive name,name]
 *
 * With several files (one per thread), pass the main thread's: the largest one, usually.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const file = args[0];
if (!file) {
  console.error('usage: profileSummary.js <file.cpuprofile> [--top N] [--inclusive fnA,fnB]');
  process.exit(2);
}
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const top = Number(option('--top', '40'));
const inclusiveNames = option('--inclusive', '')
  .split(',')
  .filter((name) => name.length > 0);

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

// Each sample is one tick of the profiler; its time is the delta to the next sample.
const selfMicros = new Map();
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i + 1] ?? 0;
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
});
const total = [...selfMicros.values()].reduce((sum, micros) => sum + micros, 0);

const labelOf = (node) => {
  const frame = node.callFrame;
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const where = frame.url.includes('node_modules/')
    ? frame.url.slice(frame.url.lastIndexOf('node_modules/') + 'node_modules/'.length).split('/')[0]
    : basename(frame.url);
  return `${name} (${where}:${frame.lineNumber + 1})`;
};

const selfByLabel = new Map();
for (const [id, micros] of selfMicros) {
  const label = labelOf(nodes.get(id));
  selfByLabel.set(label, (selfByLabel.get(label) ?? 0) + micros);
}

const ms = (micros) => (micros / 1000).toFixed(0).padStart(7);
const pct = (micros) => ((100 * micros) / total).toFixed(1).padStart(5);
console.log(`${basename(file)}: ${(total / 1e6).toFixed(1)} s profiled, ${profile.samples.length} samples`);
console.log('   self ms     %  function');
for (const [label, micros] of [...selfByLabel].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${ms(micros)} ${pct(micros)}  ${label}`);
}

// Inclusive time: a sample counts once for a name if any frame on its stack has that name.
if (inclusiveNames.length > 0) {
  const inclusive = new Map(inclusiveNames.map((name) => [name, 0]));
  for (const [id, micros] of selfMicros) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parentOf.get(at)) {
      const name = nodes.get(at).callFrame.functionName;
      if (inclusive.has(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, inclusive.get(name) + micros);
      }
    }
  }
  console.log('\n   incl ms     %  function (inclusive)');
  for (const [name, micros] of inclusive) console.log(`${ms(micros)} ${pct(micros)}  ${name}`);
}

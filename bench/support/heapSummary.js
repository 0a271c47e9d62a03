/**
 * Summarises V8 heap snapshots (from `v8.writeHeapSnapshot()` or the probe's `--snapshot`) by
 * constructor: the self size and count of each, largest first; given two snapshots, what the second
 * holds more of. Used for docs/performance.md's memory profile:
 * `node bench/support/heapSummary.js idle.heapsnapshot [active.heapsnapshot] [rows]`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Map of "type:name" (objects by constructor, the rest by V8's node type) to { size, count }. */
export function summarizeSnapshot(path) {
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(path, 'utf8'));
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byKey = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]];
    // Objects and closures by name (constructor or function); strings, code, arrays by type only.
    const key = type === 'object' || type === 'closure' ? `${type}:${strings[nodes[i + nameAt]]}` : type;
    const entry = byKey.get(key) ?? { size: 0, count: 0 };
    entry.size += nodes[i + sizeAt];
    entry.count += 1;
    byKey.set(key, entry);
  }
  return byKey;
}

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`.padStart(10);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [first, second, rowsText] = process.argv.slice(2);
  const rows = Number(rowsText ?? 25);
  const a = summarizeSnapshot(first);
  const total = (m) => [...m.values()].reduce((s, e) => s + e.size, 0);
  console.log(`${first}: ${kib(total(a))} in all`);
  for (const [key, e] of [...a].sort((x, y) => y[1].size - x[1].size).slice(0, rows))
    console.log(`${kib(e.size)} ${String(e.count).padStart(8)}  ${key}`);
  if (second) {
    const b = summarizeSnapshot(second);
    console.log(`\n${second}: ${kib(total(b))} in all; grew by ${kib(total(b) - total(a))}. Largest growth:`);
    const grown = [...b].map(([key, e]) => [key, e.size - (a.get(key)?.size ?? 0), e.count - (a.get(key)?.count ?? 0)]);
    for (const [key, size, count] of grown.sort((x, y) => y[1] - x[1]).slice(0, rows))
      console.log(`${kib(size)} ${String(count).padStart(8)}  ${key}`);
  }
}

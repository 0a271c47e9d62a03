/**
 * What each import adds to a fresh process: `node --expose-gc bench/support/importSteps.js
 * @slack/bolt zod ./dist/config.js ./dist/app.js` imports the modules one after another and prints,
 * after full collections, the RSS and heap each added and the size of V8's new space. Modules
 * imported earlier are not counted again, so put the one to measure right after what it shares.
 * Paths starting with ./ are taken from the current directory; names are resolved from this repo.
 */
import v8 from 'node:v8';
import { pathToFileURL } from 'node:url';

const mib = (bytes) => (bytes / 1048576).toFixed(1);

async function collect() {
  for (let i = 0; i < 3; i += 1) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  const newSpace = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  return { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, newSpace: newSpace?.space_size ?? 0 };
}

if (typeof globalThis.gc !== 'function') console.log('(run with node --expose-gc: figures without a full collection swing)');
let before = await collect();
console.log(`${'node'.padEnd(32)} rss ${mib(before.rss)} MiB, heap ${mib(before.heap)} MiB, new space ${mib(before.newSpace)} MiB`);
for (const spec of process.argv.slice(2)) {
  await import(spec.startsWith('./') ? pathToFileURL(`${process.cwd()}/${spec.slice(2)}`).href : spec);
  const after = await collect();
  console.log(
    `${spec.padEnd(32)} rss +${mib(after.rss - before.rss)} MiB, heap +${mib(after.heap - before.heap)} MiB, new space ${mib(after.newSpace)} MiB`,
  );
  before = after;
}

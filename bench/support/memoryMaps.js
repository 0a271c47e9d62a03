/**
 * Where a process's resident memory lies, by mapping (`/proc/self/smaps`, Linux only): the node
 * binary's file pages (ICU data among them), anonymous memory (V8's heap, glibc's per-thread malloc
 * arenas), `[heap]` (main-thread malloc), native libraries. `node --expose-gc
 * bench/support/memoryMaps.js <bare|deployday> [db] [checklistsDir]` reads it once the bot has
 * settled, like memoryProbe.js, idle and (deployday) with 20 active runs. The largest anonymous
 * mappings are listed apart: a glibc arena shows as one mapping of tens of MiB.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startBareBolt, startDeployday } from './bots.js';
import { startBenchSlack } from './benchSlack.js';
import { ACTIVE_RUNS, startRun } from './memoryProbe.js';
import { settledRss } from './report.js';

const mib = (kib) => (kib / 1024).toFixed(1);

/** Resident KiB by mapping name, and the anonymous mappings with their resident and total size. */
export function residentByMapping() {
  const byName = new Map();
  const anonymous = [];
  let current = null;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const name = (head[3] || '[anon]').replace(/.*\/node_modules\//, '');
      current = { name, sizeKib: (Number.parseInt(head[2], 16) - Number.parseInt(head[1], 16)) / 1024, rssKib: 0 };
      if (name === '[anon]') anonymous.push(current);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && current) {
      current.rssKib = Number(rss[1]);
      byName.set(current.name, (byName.get(current.name) ?? 0) + current.rssKib);
    }
  }
  return { byName, anonymous };
}

export function describeMappings() {
  const { byName, anonymous } = residentByMapping();
  const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 6);
  const largestAnonymous = anonymous.sort((a, b) => b.rssKib - a.rssKib).slice(0, 4);
  return [
    top.map(([name, kib]) => `${name} ${mib(kib)}`).join(', '),
    `largest anonymous (resident/size MiB): ${largestAnonymous.map((m) => `${mib(m.rssKib)}/${mib(m.sizeKib)}`).join(', ')}`,
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [kind, databasePath, checklistsDir] = process.argv.slice(2);
  const fake = await startBenchSlack();
  const bot = kind === 'bare' ? await startBareBolt({ fake }) : await startDeployday({ fake, databasePath, checklistsDir });
  console.log(`idle: rss ${mib((await settledRss()) / 1024)} MiB`, ...describeMappings());
  if (kind !== 'bare') {
    for (let i = 0; i < ACTIVE_RUNS; i += 1) await startRun(bot.url, fake, `C0MAPS${String(i).padStart(2, '0')}`);
    await bot.bot.sync.idle();
    fake.reset();
    console.log(`${ACTIVE_RUNS} runs: rss ${mib((await settledRss()) / 1024)} MiB`, ...describeMappings());
  }
  await bot.stop();
  await fake.close();
  process.exit(0);
}

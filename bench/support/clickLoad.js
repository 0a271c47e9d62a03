/**
 * A stream of checkbox clicks from many concurrent senders, sent from a worker thread so that
 * building, signing and timing the requests does not share an event loop with the bot under
 * test (both still live in one process, so the baseline and deployday see the same machine).
 *
 * Every item belongs to one sender, which alternates tick and untick on its items and tracks
 * what the message shows, so each click it sends is a real state change.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { checkboxClickBody, checkboxGroups, createSlackSender, seenMessage } from './slackRequests.js';

/**
 * @typedef {object} ClickLoadOptions
 * @property {string} url            the bot's HTTP root
 * @property {string} channel
 * @property {Array<{ts: string, text: string, blocks: any[]}>} messages  the posted checklist messages
 * @property {number} senders         concurrent senders (one user each)
 * @property {number} clicksPerSender measured clicks per sender
 * @property {number} warmupPerSender clicks per sender before measuring (same stream, not timed)
 * @property {string} responseUrl
 * @property {Array<[string, boolean]>} [initialDone] what the message shows at the start (default: nothing ticked)
 */

/**
 * Runs the load in a worker; resolves with the measured latencies (ms), status counts over all
 * clicks (warm-up included) and the measured wall time.
 * @param {ClickLoadOptions} options
 * `done` is what the message shows at the end, to start the next round from.
 * @returns {Promise<{ latencies: number[], statuses: Record<string, number>, ok: number, sent: number, wallMs: number, errors: string[], done: Array<[string, boolean]> }>}
 */
export function runClickLoad(options) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { kind: 'clickLoad', options } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`click load worker exited with ${code}`));
    });
  });
}

async function clickLoad(options) {
  const sender = createSlackSender({ baseUrl: options.url });
  const byTs = new Map(options.messages.map((m) => [m.ts, m]));
  const items = options.messages.flatMap((m) => checkboxGroups(m).flatMap((g) => g.values.map((value) => ({ ts: g.ts, blockId: g.blockId, value }))));
  if (items.length < options.senders) throw new Error(`only ${items.length} items for ${options.senders} senders`);
  /** What the message shows for each item, as far as the senders know (each item has one owner). */
  const done = new Map(items.map((i) => [i.value, false]));
  for (const [value, isDone] of options.initialDone ?? []) done.set(value, isDone);
  const latencies = [];
  const statuses = {};
  const errors = [];
  let ok = 0;
  let sent = 0;

  const senderLoop = async (k, count, measure) => {
    const owned = items.filter((_, i) => i % options.senders === k);
    const user = `U0CLICK${String(k).padStart(3, '0')}`;
    for (let c = 0; c < count; c += 1) {
      const item = owned[(measure ? c + options.warmupPerSender : c) % owned.length];
      const checked = !done.get(item.value);
      const seen = seenMessage(byTs.get(item.ts), (value) => done.get(value) === true);
      const body = checkboxClickBody({ seen, blockId: item.blockId, value: item.value, checked, user, channel: options.channel, responseUrl: options.responseUrl });
      sent += 1;
      try {
        const result = await sender.post(body);
        statuses[result.status] = (statuses[result.status] ?? 0) + 1;
        if (measure) latencies.push(result.ms);
        if (result.status === 200) {
          ok += 1;
          done.set(item.value, checked);
        } else if (errors.length < 5) errors.push(`HTTP ${result.status}: ${result.text.slice(0, 200)}`);
      } catch (error) {
        statuses.error = (statuses.error ?? 0) + 1;
        if (errors.length < 5) errors.push(String(error));
      }
    }
  };

  const all = (count, measure) => Promise.all(Array.from({ length: options.senders }, (_, k) => senderLoop(k, count, measure)));
  await all(options.warmupPerSender, false);
  const started = performance.now();
  await all(options.clicksPerSender, true);
  const wallMs = performance.now() - started;
  return { latencies, statuses, ok, sent, wallMs, errors, done: [...done] };
}

if (!isMainThread && workerData?.kind === 'clickLoad') {
  clickLoad(workerData.options).then(
    (result) => parentPort?.postMessage(result),
    (error) => {
      throw error;
    },
  );
}

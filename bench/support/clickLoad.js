/**
 * A stream of checkbox clicks from many concurrent senders, sent from a worker thread so that
 * building, signing and timing the requests does not share an event loop with the bot under
 * test (both still live in one process, so the baseline and deployday see the same machine).
 *
 * Every item belongs to one sender, which alternates tick and untick on its items and tracks
 * what the message shows, so each click it sends is a real state change. The worker lives
 * across rounds, so its keep-alive connections to the bot do too.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { checkboxClickBody, checkboxGroups, createSlackSender, seenMessage } from './slackRequests.js';

/**
 * @typedef {object} ClickLoadOptions
 * @property {string} url       the bot's HTTP root
 * @property {string} channel
 * @property {Array<{ts: string, text: string, blocks: any[]}>} messages  the posted checklist messages
 * @property {number} senders   concurrent senders (one user each)
 * @property {string} responseUrl
 */

/**
 * @typedef {object} RoundResult
 * @property {number[]} latencies  measured clicks, ms, in completion order
 * @property {Record<string, number>} statuses  HTTP statuses of every click sent (warm-up included)
 * @property {number} ok           clicks answered 200 (warm-up included)
 * @property {number} sent
 * @property {number} wallMs       time the measured clicks took
 * @property {string[]} errors     the first few failures
 */

/**
 * Starts the worker. `round(clicksPerSender, warmupPerSender)` sends that many clicks from each
 * sender (the warm-up ones first, untimed) and resolves with the round's figures.
 * @param {ClickLoadOptions} options
 * @returns {{ round: (clicksPerSender: number, warmupPerSender?: number) => Promise<RoundResult>, close: () => Promise<void> }}
 */
export function startClickLoad(options) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { kind: 'clickLoad', options } });
  let failed = null;
  worker.on('error', (error) => (failed = error));
  const round = (clicksPerSender, warmupPerSender = 0) =>
    new Promise((resolve, reject) => {
      if (failed) return reject(failed);
      const onExit = (code) => reject(failed ?? new Error(`click load worker exited with ${code}`));
      worker.once('exit', onExit);
      worker.once('message', (result) => {
        worker.off('exit', onExit);
        resolve(result);
      });
      worker.postMessage({ clicksPerSender, warmupPerSender });
    });
  return { round, close: () => worker.terminate().then(() => undefined) };
}

function clickLoadWorker(options) {
  const sender = createSlackSender({ baseUrl: options.url });
  const byTs = new Map(options.messages.map((m) => [m.ts, m]));
  const items = options.messages.flatMap((m) => checkboxGroups(m).flatMap((g) => g.values.map((value) => ({ ts: g.ts, blockId: g.blockId, value }))));
  if (items.length < options.senders) throw new Error(`only ${items.length} items for ${options.senders} senders`);
  /** What the message shows for each item, as far as the senders know (each item has one owner). */
  const done = new Map(items.map((i) => [i.value, false]));
  const owned = Array.from({ length: options.senders }, (_, k) => items.filter((_, i) => i % options.senders === k));
  const nextClick = owned.map(() => 0);

  const round = async ({ clicksPerSender, warmupPerSender }) => {
    const latencies = [];
    const statuses = {};
    const errors = [];
    let ok = 0;
    let sent = 0;
    const senderLoop = async (k, count, measure) => {
      const user = `U0CLICK${String(k).padStart(3, '0')}`;
      for (let c = 0; c < count; c += 1) {
        const item = owned[k][nextClick[k]++ % owned[k].length];
        const checked = !done.get(item.value);
        const seen = seenMessage(byTs.get(item.ts), (value) => done.get(value) === true);
        const body = checkboxClickBody({
          seen,
          blockId: item.blockId,
          value: item.value,
          checked,
          user,
          channel: options.channel,
          responseUrl: options.responseUrl,
        });
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
    const all = (count, measure) => Promise.all(owned.map((_, k) => senderLoop(k, count, measure)));
    await all(warmupPerSender, false);
    const started = performance.now();
    await all(clicksPerSender, true);
    return { latencies, statuses, ok, sent, wallMs: performance.now() - started, errors };
  };

  parentPort?.on('message', (request) => {
    round(request).then(
      (result) => parentPort?.postMessage(result),
      (error) =>
        setImmediate(() => {
          throw error;
        }),
    );
  });
}

if (!isMainThread && workerData?.kind === 'clickLoad') clickLoadWorker(workerData.options);

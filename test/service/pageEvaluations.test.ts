import { describe, expect, it } from 'vitest';
import { createDryRunPager } from '../../src/pager/dryRunPager.js';
import { PageService, type PageServiceDeps } from '../../src/service/pageService.js';
import { quietLogger } from '../support/quietLogger.js';
import { databasePerTest } from '../store/storeFixtures.js';

const openDb = databasePerTest();

describe('the paging rules of one run', () => {
  it('are evaluated one at a time, each after the one before it, while another run’s are evaluated alongside', async () => {
    const reading = new Map<number, number>();
    const overlaps: number[] = [];
    const order: string[] = [];
    // The rules' first read (the run's state) is slow here; an evaluation starting meanwhile would overlap it.
    const runs = {
      snapshot: async (runId: number) => {
        reading.set(runId, (reading.get(runId) ?? 0) + 1);
        overlaps.push(reading.get(runId)!);
        order.push(`run ${runId}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        reading.set(runId, reading.get(runId)! - 1);
        throw new Error('state read, rules not needed here');
      },
    };
    const service = new PageService({
      db: openDb(),
      runs: runs as unknown as PageServiceDeps['runs'],
      timeline: {} as PageServiceDeps['timeline'],
      clock: { now: () => 0 },
      logger: quietLogger,
      pager: createDryRunPager(),
      linkToRun: async () => null,
      onQueued: () => {},
    });
    await Promise.all([service.evaluate(1), service.evaluate(1), service.evaluate(2), service.evaluate(1)]);
    expect(overlaps.every((n) => n === 1)).toBe(true);
    expect(order.filter((r) => r === 'run 1')).toHaveLength(3);
    // Run 2's evaluation did not wait for run 1's: it read while run 1's first evaluation was under way.
    expect(order.indexOf('run 2')).toBeLessThanOrEqual(1);
  });
});

import { describe, expect, it } from 'vitest';
import { LeaseRenewer } from '../../src/jobs/leaseRenewer.js';

/** A renewer whose renewals are recorded; `held` says how many rows the database still gives it. */
function renewer(held: (keys: number[]) => number | Error = (keys) => keys.length) {
  const renewed: number[][] = [];
  const logged: string[] = [];
  const leases = new LeaseRenewer<number>({
    renew: async (keys) => {
      renewed.push(keys);
      const answer = held(keys);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    leaseMs: 15_000,
    what: 'reminder',
    log: (message) => logged.push(message),
  });
  return { leases, renewed, logged };
}

describe('renewing the leases a worker holds', () => {
  it('renews every row held until the worker lets go of it', async () => {
    const { leases, renewed } = renewer();
    const letGoOfFirst = leases.hold([1, 2]);
    const letGoOfSecond = leases.hold([3]);
    await leases.renewNow();
    letGoOfFirst();
    await leases.renewNow();
    letGoOfSecond();
    await leases.renewNow();
    expect(renewed).toEqual([[1, 2, 3], [3]]);
    expect(leases.size).toBe(0);
    leases.stop();
  });

  it('lets go of a row once a holding ends, however the work ended', async () => {
    const { leases, renewed } = renewer();
    await expect(
      leases.holding([7], async () => {
        await leases.renewNow();
        throw new Error('the send failed');
      }),
    ).rejects.toThrow('the send failed');
    await leases.renewNow();
    expect(renewed).toEqual([[7]]);
    leases.stop();
  });

  it('says when rows were no longer its to renew, and when a renewal failed', async () => {
    let answer: number | Error = 1;
    const { leases, logged } = renewer(() => answer);
    leases.hold([1, 2]);
    await leases.renewNow();
    answer = new Error('database unreachable');
    await leases.renewNow();
    expect(logged).toEqual([
      "1 reminder lease(s) were no longer this replica's to renew",
      'renewing reminder leases failed (they run out unless renewed): database unreachable',
    ]);
    leases.stop();
  });
});

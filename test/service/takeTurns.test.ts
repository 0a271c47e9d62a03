import { describe, expect, it } from 'vitest';
import { takeTurns } from '../../src/service/takeTurns.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('work that takes turns per key', () => {
  it('runs one key’s work one at a time, in the order asked, across its awaits, while another key runs alongside', async () => {
    const inTurn = takeTurns<number>();
    const log: string[] = [];
    const work = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      await tick();
      log.push(`${name} end`);
    };
    await Promise.all([inTurn(1, work('a')), inTurn(1, work('b')), inTurn(2, work('x')), inTurn(1, work('c'))]);
    expect(log.filter((l) => !l.startsWith('x'))).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    // Key 2 did not wait for key 1.
    expect(log.indexOf('x start')).toBeLessThan(log.indexOf('a end'));
  });

  it('runs the next work after one that failed, and hands that failure to its own caller only', async () => {
    const inTurn = takeTurns<string>();
    const failing = inTurn('run', async () => {
      throw new Error('rules failed');
    });
    let ran = false;
    const next = inTurn('run', async () => {
      ran = true;
    });
    await expect(failing).rejects.toThrow('rules failed');
    await next;
    expect(ran).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { ChannelPostPacer } from '../../src/slack/channelPostPacer.js';

describe('ChannelPostPacer', () => {
  it('lets a short burst through at once, then about one post a second', () => {
    const pacer = new ChannelPostPacer({ burst: 3, intervalMs: 1_100 });
    for (let i = 0; i < 3; i++) {
      expect(pacer.readyAt('C1', 0)).toBe(0);
      pacer.spend('C1', 0);
    }
    expect(pacer.readyAt('C1', 0)).toBe(1_100);
    pacer.spend('C1', 1_100);
    expect(pacer.readyAt('C1', 1_100)).toBe(2_200);
  });

  it('paces each channel on its own', () => {
    const pacer = new ChannelPostPacer({ burst: 1, intervalMs: 1_000 });
    pacer.spend('C1', 0);
    expect(pacer.readyAt('C1', 0)).toBe(1_000);
    expect(pacer.readyAt('C2', 0)).toBe(0);
  });

  it('counts a slow post from when it was answered, so the next one waits its full interval', () => {
    const pacer = new ChannelPostPacer({ burst: 1, intervalMs: 1_000 });
    pacer.spend('C1', 0);
    pacer.answered('C1', 800);
    expect(pacer.readyAt('C1', 1_000)).toBe(1_800);
  });

  it('refills to the burst after a quiet spell, never beyond it', () => {
    const pacer = new ChannelPostPacer({ burst: 2, intervalMs: 1_000 });
    pacer.spend('C1', 0);
    pacer.spend('C1', 0);
    pacer.spend('C1', 60_000);
    pacer.spend('C1', 60_000);
    expect(pacer.readyAt('C1', 60_000)).toBe(61_000);
  });

  it('takes a post only when the channel may have one, and holds the channel through a 429 pause', async () => {
    const pacer = new ChannelPostPacer({ burst: 1, intervalMs: 1_000 });
    expect(await pacer.take('C1', 0)).toBe(0);
    expect(await pacer.take('C1', 500), 'refused: nothing taken').toBe(1_000);
    expect(await pacer.take('C1', 1_000)).toBe(0);
    await pacer.rateLimited('C1', 5_000);
    expect(await pacer.take('C1', 2_000)).toBe(5_000);
    expect(await pacer.take('C1', 5_000)).toBe(0);
  });
});

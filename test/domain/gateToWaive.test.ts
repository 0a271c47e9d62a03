import { describe, expect, it } from 'vitest';
import { gateToWaive } from '../../src/domain/gateToWaive.js';
import { gatedRelease, itemId, snapshotOf, voteOf, waived } from './domainFixtures.js';

// gatedRelease's two gates, and the keys made from their words.
const SHIP = 'Go/No-Go: ship to canary?';
const WIDEN = 'Go/No-Go: widen to everyone?';
const SHIP_KEY = 'go-no-go-ship-to-canary';
const WIDEN_KEY = 'go-no-go-widen-to-everyone';

describe('which gate /deploy waive gate means', () => {
  const checklist = gatedRelease();
  const ship = itemId(checklist, SHIP);
  const widen = itemId(checklist, WIDEN);

  it('asks which when several gates are undecided and the words name none, listing each with its key', () => {
    expect(gateToWaive(snapshotOf(checklist), 'the canary was checked by hand')).toEqual({
      kind: 'which',
      gates: [
        { key: SHIP_KEY, text: SHIP },
        { key: WIDEN_KEY, text: WIDEN },
      ],
    });
  });

  it('takes the gate a key names, whatever its place, with the rest of the words as the reason', () => {
    const target = gateToWaive(snapshotOf(checklist), `${WIDEN_KEY.toUpperCase()}   everyone got it by hand`);
    expect(target).toMatchObject({ kind: 'gate', reason: 'everyone got it by hand' });
    expect(target.kind === 'gate' && target.gate.item.id).toBe(widen);
  });

  it('takes the only undecided gate without a key, all the words being the reason', () => {
    const snapshot = snapshotOf(checklist, { votes: [voteOf(ship, 'U0APPR001', 'go')] });
    const target = gateToWaive(snapshot, 'widened during the outage');
    expect(target).toMatchObject({ kind: 'gate', reason: 'widened during the outage' });
    expect(target.kind === 'gate' && target.gate.item.id).toBe(widen);
  });

  it('refuses a key naming a gate already decided or waived, instead of waiving another one', () => {
    const decided = snapshotOf(checklist, { votes: [voteOf(ship, 'U0APPR001', 'go')] });
    expect(gateToWaive(decided, `${SHIP_KEY} done twice`)).toMatchObject({ kind: 'settled', gate: { item: { id: ship } } });
    const waivedAlready = snapshotOf(checklist, { items: [waived(ship, 'by hand')] });
    expect(gateToWaive(waivedAlready, `${SHIP_KEY} again`)).toMatchObject({ kind: 'settled', gate: { item: { id: ship } } });
  });

  it('says there is none when every gate is decided', () => {
    const snapshot = snapshotOf(checklist, { votes: [voteOf(ship, 'U0APPR001', 'go'), voteOf(widen, 'U0APPR001', 'go')] });
    expect(gateToWaive(snapshot, 'nothing left')).toEqual({ kind: 'none' });
  });
});

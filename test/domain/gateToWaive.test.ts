import { describe, expect, it } from 'vitest';
import { gateToWaive } from '../../src/domain/gateToWaive.js';
import { checklistOf, gatedRelease, gateItem, itemId, snapshotOf, voteOf, waived } from './domainFixtures.js';

// gatedRelease's two gates, and the keys made from their words.
const SHIP = 'Go/No-Go: ship to canary?';
const WIDEN = 'Go/No-Go: widen to everyone?';
const SHIP_KEY = 'go-no-go-ship-to-canary';
const WIDEN_KEY = 'go-no-go-widen-to-everyone';

describe('which gate /deploy waive gate means', () => {
  const checklist = gatedRelease();
  const ship = itemId(checklist, SHIP);
  const widen = itemId(checklist, WIDEN);

  it('asks which when several gates are undecided and the words name none, listing each with its number, key and section', () => {
    const which = {
      kind: 'which',
      gates: [
        { number: 1, key: SHIP_KEY, text: SHIP, section: 'Readiness review' },
        { number: 2, key: WIDEN_KEY, text: WIDEN, section: 'Canary' },
      ],
    };
    expect(gateToWaive(snapshotOf(checklist), 'the canary was checked by hand')).toEqual(which);
    // A number past the run's gates names none.
    expect(gateToWaive(snapshotOf(checklist), '3 people checked the canary')).toEqual(which);
  });

  it('takes the gate a number names while several are undecided, with the rest of the words as the reason', () => {
    const target = gateToWaive(snapshotOf(checklist), '2 widened by hand');
    expect(target).toMatchObject({ kind: 'gate', reason: 'widened by hand' });
    expect(target.kind === 'gate' && target.gate.item.id).toBe(widen);
  });

  it('reads a leading number as the gate it names even when one gate is undecided, refusing it if decided', () => {
    const snapshot = snapshotOf(checklist, { votes: [voteOf(ship, 'U0APPR001', 'go')] });
    expect(gateToWaive(snapshot, '1 person watched it')).toMatchObject({ kind: 'settled', gate: { item: { id: ship } } });
    expect(gateToWaive(snapshot, '2 people watched it')).toMatchObject({ kind: 'gate', reason: 'people watched it', gate: { item: { id: widen } } });
    expect(gateToWaive(snapshot, '3 people watched it')).toMatchObject({
      kind: 'gate',
      reason: '3 people watched it',
      gate: { item: { id: widen } },
    });
  });

  it('names gates worded alike, which have no usable key, by their numbers', () => {
    const alike = checklistOf([
      {
        title: 'Deploy',
        sections: [
          { title: 'Canary (10%)', items: ['Deploy to the canary', gateItem('Go/No-Go decision recorded')] },
          { title: 'Expansion (50%)', items: ['Expand to half', gateItem('Go/No-Go decision recorded')] },
        ],
      },
    ]);
    const which = gateToWaive(snapshotOf(alike), 'checked by hand');
    expect(which).toMatchObject({
      kind: 'which',
      gates: [
        { number: 1, key: null, section: 'Canary (10%)' },
        { number: 2, key: null, section: 'Expansion (50%)' },
      ],
    });
    const second = gateToWaive(snapshotOf(alike), '2 checked by hand');
    expect(second.kind === 'gate' && second.gate.section.title).toBe('Expansion (50%)');
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

import { describe, expect, it } from 'vitest';
import { clockChanges } from '../../src/domain/dstWindows.js';

describe('clockChanges', () => {
  it('finds the spring gap and the autumn overlap of a zone as wall times', () => {
    const berlin = clockChanges('Europe/Berlin');
    expect(berlin).toContainEqual({ kind: 'gap', date: '2027-03-28', fromMinute: 120, minutes: 60 });
    expect(berlin).toContainEqual({ kind: 'overlap', date: '2027-10-31', fromMinute: 120, minutes: 60 });
  });

  it('finds the New York changes at 2 AM local', () => {
    const ny = clockChanges('America/New_York');
    expect(ny).toContainEqual({ kind: 'gap', date: '2026-03-08', fromMinute: 120, minutes: 60 });
    expect(ny).toContainEqual({ kind: 'overlap', date: '2026-11-01', fromMinute: 60, minutes: 60 });
  });

  it('finds none in a zone without clock changes', () => {
    expect(clockChanges('UTC')).toEqual([]);
    expect(clockChanges('Asia/Tokyo')).toEqual([]);
  });
});

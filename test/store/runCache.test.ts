import { describe, expect, it } from 'vitest';
import { RunCache } from '../../src/store/runCache.js';

describe('run cache', () => {
  it('keeps the value of every active run, however many there are', () => {
    const cache = new RunCache<string>(2);
    for (let id = 1; id <= 50; id += 1) cache.set(id, true, `checklist ${id}`);
    expect(cache.size).toBe(50);
    expect(cache.get(1)).toBe('checklist 1');
    expect(cache.get(50)).toBe('checklist 50');
  });

  it('keeps only the last ended runs stored, dropping the one stored longest ago', () => {
    const cache = new RunCache<string>(2);
    cache.set(1, false, 'one');
    cache.set(2, false, 'two');
    cache.set(1, false, 'one');
    cache.set(3, false, 'three');
    expect(cache.get(2)).toBeUndefined();
    expect(cache.get(1)).toBe('one');
    expect(cache.get(3)).toBe('three');
    expect(cache.size).toBe(2);
  });

  it('moves a run seen ended out of the active part, so ending runs cannot grow it', () => {
    const cache = new RunCache<string>(1);
    cache.set(1, true, 'one');
    cache.set(2, true, 'two');
    cache.set(1, false, 'one');
    cache.set(2, false, 'two');
    expect(cache.size).toBe(1);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(2)).toBe('two');
  });
});

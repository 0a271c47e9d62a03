import { describe, it, expect } from 'vitest';
import {
  BlockIds,
  itemRef,
  noGoMetadata,
  parseItemRef,
  parseItemsBlockId,
  parseNoGoMetadata,
  parseSectionRef,
  sectionRef,
} from '../../src/slack/ids.js';

describe('parseItemsBlockId', () => {
  it('reads back what BlockIds.items writes', () => {
    expect(parseItemsBlockId(BlockIds.items(12, 's3', 2))).toEqual({ runId: 12, sectionId: 's3', group: 2 });
  });

  it.each([
    ['another block kind', BlockIds.item(12, 's3.i4')],
    ['a gate block', BlockIds.gate(12, 's3.i4')],
    ['another prefix', 'xx_items:12:s3:0'],
    ['a missing group', 'dd_items:12:s3'],
    ['an item id for a section', 'dd_items:12:s3.i4:0'],
    ['a negative run', 'dd_items:-1:s3:0'],
    ['an overlong run id', `dd_items:${'1'.repeat(13)}:s3:0`],
    ['an overlong section id', 'dd_items:12:s1234567:0'],
    ['an overlong group', 'dd_items:12:s3:12345'],
    ['trailing text', 'dd_items:12:s3:0:x'],
    ['leading text', ' dd_items:12:s3:0'],
    ['garbage', '💥'],
    ['nothing', ''],
  ])('refuses %s', (_what, blockId) => {
    expect(parseItemsBlockId(blockId)).toBeNull();
  });
});

describe('parseItemRef', () => {
  it('reads back what itemRef writes', () => {
    expect(parseItemRef(itemRef(7, 's10.i42'))).toEqual({ runId: 7, itemId: 's10.i42' });
  });

  it.each([
    ['a section ref', '7:s10'],
    ['a block id', BlockIds.item(7, 's10.i42')],
    ['no run', ':s10.i42'],
    ['an overlong run id', `${'7'.repeat(13)}:s10.i42`],
    ['an overlong item index', '7:s10.i1234567'],
    ['trailing text', '7:s10.i42;drop'],
    ['garbage', 'null'],
  ])('refuses %s', (_what, value) => {
    expect(parseItemRef(value)).toBeNull();
  });
});

describe('parseSectionRef', () => {
  it('reads a run and a section', () => {
    expect(parseSectionRef('7:s10')).toEqual({ runId: 7, sectionId: 's10' });
  });

  it.each([
    ['an item ref', '7:s10.i42'],
    ['a block id', BlockIds.overdue(7, 's10')],
    ['an overlong section id', '7:s1234567'],
    ['an overlong run id', `${'7'.repeat(13)}:s10`],
    ['a section id with another letter', '7:p1'],
    ['garbage', '7:s10\n'],
  ])('refuses %s', (_what, value) => {
    expect(parseSectionRef(value)).toBeNull();
  });
});

describe('sectionRef and noGoMetadata', () => {
  it('read back through their parsers', () => {
    expect(parseSectionRef(sectionRef(12, 's3'))).toEqual({ runId: 12, sectionId: 's3' });
    expect(parseNoGoMetadata(noGoMetadata(4, 's2.i5', 'G0PRIVATE'))).toEqual({ runId: 4, itemId: 's2.i5', channelId: 'G0PRIVATE' });
  });

  it.each([
    ['a user id for a channel', '4:s2.i5:U0SOMEONE'],
    ['a section id for an item', '4:s2:C0DEPLOY1'],
    ['trailing text', '4:s2.i5:C0DEPLOY1:x'],
    ['nothing', ''],
  ])('refuses No-Go metadata with %s', (_what, metadata) => {
    expect(parseNoGoMetadata(metadata)).toBeNull();
  });
});

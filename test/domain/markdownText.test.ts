import { describe, it, expect } from 'vitest';
import { isTableDelimiter, replaceDelimited, stripInlineMarkdown, tableCells } from '../../src/domain/markdownText.js';

describe('stripInlineMarkdown', () => {
  it('leaves only the words', () => {
    expect(stripInlineMarkdown('**Decision Point** [runbook](https://x.example.com) `cmd` ~~old~~ *it*')).toBe('Decision Point runbook cmd old it');
  });

  it('keeps the underscores of an identifier', () => {
    expect(stripInlineMarkdown('run db__migrate__v2 and snake_case_name')).toBe('run db__migrate__v2 and snake_case_name');
  });

  it('reads a link to a non-web target as its label, and an autolink as its address', () => {
    expect(stripInlineMarkdown('[words](!here) <https://status.example.com>')).toBe('words https://status.example.com');
  });
});

describe('replaceDelimited', () => {
  it('pairs each opener with the first closer after it', () => {
    expect(replaceDelimited('**a** b **c**', '**', (inner) => `[${inner}]`)).toBe('[a] b [c]');
  });

  it('leaves marks that do not wrap words', () => {
    expect(replaceDelimited('2 ** 3 ** 4', '**', (inner) => `[${inner}]`)).toBe('2 ** 3 ** 4');
  });
});

describe('tables', () => {
  it('splits a row into trimmed cells', () => {
    expect(tableCells('| Role | Name |')).toEqual(['Role', 'Name']);
  });

  it.each([
    ['|---|:--:|', true],
    ['--- | ---', true],
    ['| a | b |', false],
    ['|', false],
  ])('reads %j as a delimiter row: %s', (row, expected) => {
    expect(isTableDelimiter(row)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { plainWords } from '../../src/domain/parse/plainWords.js';

describe('plainWords', () => {
  it.each([
    ['**Final approval** from QA', 'Final approval from QA'],
    ['__Final__ approval', 'Final approval'],
    ['Changelog in the [release notes doc](https://wiki.example.com/releases)', 'Changelog in the release notes doc'],
    ['![diagram](x.png) and <https://a.example/c>', 'diagram and https://a.example/c'],
    ['[a](b "title") x', 'a x'],
    ['`make deploy` now', 'make deploy now'],
    ['_it_ and *em* and ~~gone~~', 'it and em and gone'],
    ['snake_case_name stays', 'snake_case_name stays'],
    ['a ** b and [x] y and [a]', 'a ** b and [x] y and [a]'],
    ['  Go/No-Go **decision**  ', 'Go/No-Go decision'],
  ])('reads %j as %j', (md, plain) => {
    expect(plainWords(md)).toBe(plain);
  });

  it('leaves an unclosed `[` or `**` as written', () => {
    expect(plainWords('[[[ **a **b')).toBe('[[[ **a **b');
  });
});

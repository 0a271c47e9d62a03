import { describe, it, expect } from 'vitest';
import { stripInlineMarkdown } from '../../../src/domain/markdownText.js';
import { checklistBlock, checklistInline, checklistTitle, escapeMrkdwn } from '../../../src/slack/views/checklistMrkdwn.js';
import { regexSearches, regexesOverBacktrackBudget } from '../../support/regexWork.js';

describe('checklistInline', () => {
  it.each([
    ['**bold** text', '*bold* text'],
    ['__bold__ text', '*bold* text'],
    ['an *italic* word', 'an _italic_ word'],
    ['an _italic_ word', 'an _italic_ word'],
    ['**bold** and *italic*', '*bold* and _italic_'],
    ['~~struck~~ out', '~struck~ out'],
    ['see [the runbook](https://wiki.example.com/run)', 'see <https://wiki.example.com/run|the runbook>'],
    ['see [**bold label**](https://x.example.com)', 'see <https://x.example.com|bold label>'],
    ['Metrics dashboards: [link]', 'Metrics dashboards: [link]'],
    ['run `make verify` now', 'run `make verify` now'],
    ['keep `**stars**` in code', 'keep `**stars**` in code'],
    ['Response time < baseline + 10%', 'Response time &lt; baseline + 10%'],
    ['Cache hit rate > 95% & rising', 'Cache hit rate &gt; 95% &amp; rising'],
    ['`a < b && c`', '`a &lt; b &amp;&amp; c`'],
    ['query [docs](https://x.example.com/?a=1&b=2)', 'query <https://x.example.com/?a=1&b=2|docs>'],
    ['label with [a < b](https://x.example.com)', 'label with <https://x.example.com|a &lt; b>'],
    ['autolink <https://status.example.com>', 'autolink <https://status.example.com>'],
    ['snake_case_name stays', 'snake_case_name stays'],
    ['2 * 3 * 4', '2 * 3 * 4'],
    ['A/B test results analyzed', 'A/B test results analyzed'],
  ])('%j → %j', (md, mrkdwn) => {
    expect(checklistInline(md)).toBe(mrkdwn);
  });
});

describe('checklistBlock', () => {
  it('keeps fenced code as a ``` block with its content escaped but not formatted', () => {
    const md = ['Template:', '```', 'Subject: Upgrade - [DATE]', '- **not bold** <here>', '```'].join('\n');
    expect(checklistBlock(md)).toBe(['Template:', '```', 'Subject: Upgrade - [DATE]', '- **not bold** &lt;here&gt;', '```'].join('\n'));
  });

  it('turns a table into one line per row with a bold header', () => {
    const md = ['| Role | Name |', '|------|------|', '| DBA | Jane Doe |'].join('\n');
    expect(checklistBlock(md)).toBe(['*Role* · *Name*', 'DBA · Jane Doe'].join('\n'));
  });

  it('turns bullets into • and headings into bold lines, and drops thematic breaks', () => {
    const md = ['### Steps', '- first', '  * second', '---', '*Version 1*'].join('\n');
    expect(checklistBlock(md)).toBe(['*Steps*', '• first', '  • second', '_Version 1_'].join('\n'));
  });

  it('keeps a quote marker that Slack would otherwise see escaped', () => {
    expect(checklistBlock('> heads up & go')).toBe('> heads up &amp; go');
  });
});

/** Every way Slack would notify people or disguise a link: what checklist text must never become. */
const LIVE = /<!(?:channel|here|everyone|subteam\^)|<@/;

describe('the escaping rule (issue 16: checklist text cannot inject)', () => {
  it.each([
    ['a link to a non-web target', '[words](!here)', 'words (!here)'],
    ['an image of a broadcast', '![](!channel)', '!channel'],
    [
      'a mention typed as text',
      'ping <!everyone> and <@U0BOSS> and <!subteam^S123>',
      'ping &lt;!everyone&gt; and &lt;@U0BOSS&gt; and &lt;!subteam^S123&gt;',
    ],
    ['a javascript target', '[click](javascript:alert(1))', '[click](javascript:alert(1))'],
    ['a mention as a link label', '[<!channel>](https://x.example.com)', '<https://x.example.com|&lt;!channel&gt;>'],
    ['a mention in a code span', '`<!here>`', '`&lt;!here&gt;`'],
    ['a Slack link written raw', '<https://evil.example|Open the runbook>', '&lt;https://evil.example|Open the runbook&gt;'],
    ['an autolink to a non-web scheme', '<slack://channel?id=1>', '&lt;slack://channel?id=1&gt;'],
  ])('shows %s as text: %j', (_name, md, expected) => {
    const out = checklistInline(md);
    expect(out).toBe(expected);
    expect(out).not.toMatch(LIVE);
  });

  it.each([
    ['a URL label with another target', '[https://good.example.com](https://evil.example/phish)'],
    ['a domain label with another target', '[good.example.com](https://evil.example/phish)'],
    ['a www label', '[www.good.example.com/login](https://evil.example/phish)'],
    ['an e-mail label', '[boss@good.example.com](mailto:phish@evil.example)'],
    ['an image whose alt text is a URL', '![https://good.example.com](https://evil.example/phish)'],
  ])('shows %s with its real target only', (_name, md) => {
    const out = checklistInline(md);
    expect(out).toMatch(/^<(?:https:\/\/evil\.example\/phish|mailto:phish@evil\.example)>$/);
  });

  it('keeps a web link whose label is words', () => {
    expect(checklistInline('[Open the runbook](https://wiki.example.com/run)')).toBe('<https://wiki.example.com/run|Open the runbook>');
  });

  it.each([
    ['a checklist title with a broadcast', '# Release <!channel>', 'Release &lt;!channel&gt;'],
    ['a section title with a link', '### Decide [now](!everyone)', 'Decide now'],
    ['a title with a disguised link', 'Go [https://good.example.com](https://evil.example)', 'Go https://good.example.com'],
  ])('words %s as its escaped plain words', (_name, md, expected) => {
    expect(checklistTitle(md.replace(/^#+ /, ''))).toBe(expected);
  });

  it('escapes a heading and a table header inside a block of notes', () => {
    const md = ['### Decide <!everyone>', '| <!everyone> | <@U1> |', '|---|---|', '| [x](!here) | ok |', '# Release <!channel>'].join('\n');
    const out = checklistBlock(md);
    expect(out).toBe(
      ['*Decide &lt;!everyone&gt;*', '*&lt;!everyone&gt;* · *&lt;@U1&gt;*', 'x (!here) · ok', '*Release &lt;!channel&gt;*'].join('\n'),
    );
    expect(out).not.toMatch(LIVE);
  });

  it('escapes a broadcast inside fenced code', () => {
    expect(checklistBlock(['```', '<!channel>', '```'].join('\n'))).toBe(['```', '&lt;!channel&gt;', '```'].join('\n'));
  });

  it('escapes typed text once: an entity already escaped stays as it is', () => {
    expect(escapeMrkdwn('<!here> &lt;!here&gt; & x')).toBe('&lt;!here&gt; &lt;!here&gt; &amp; x');
    expect(escapeMrkdwn('a < b & c > d &amp; e')).toBe('a &lt; b &amp; c &gt; d &amp; e');
  });
});

/**
 * Hostile lines (50,000 characters of one markdown character) must cost work in proportion to their
 * length: one catastrophic regex stalls every channel. Counted, never timed (speed is measured only in
 * bench/): the regex searches started, on 10 times the input, and the backtracking within each search.
 */
describe('linear work on hostile input', () => {
  const n = 50_000;
  const HOSTILE: Array<[string, (size: number) => string]> = [
    ['spaces', (size) => `# a${' '.repeat(size)}b #${' '.repeat(size)}x`],
    ['stars', (size) => '*'.repeat(size)],
    ['double stars between words', (size) => '** a '.repeat(size / 5)],
    ['underscores', (size) => ` __a${'_'.repeat(size)}`],
    ['open brackets', (size) => `${'['.repeat(size)}](https://x.example.com)`],
    ['tildes', (size) => '~~ a '.repeat(size / 5)],
    // Runs of 1, 2, … backticks, about `size` characters in all.
    ['backtick runs of growing length', (size) => Array.from({ length: Math.round(Math.sqrt(2 * size)) }, (_, i) => '`'.repeat(i + 1)).join(' a ')],
    ['a table row of spaces', (size) => `|--${' '.repeat(size)}x`],
    ['a thematic break of spaces', (size) => `- - ${' '.repeat(size)}x`],
  ];
  const convert = (md: string): void => {
    checklistBlock(md);
    checklistInline(md);
    stripInlineMarkdown(md);
    checklistTitle(md);
  };

  it.each(HOSTILE)('a line of %s 10 times longer starts at most about 10 times the regex searches', (_name, line) => {
    const searches = regexSearches(() => convert(line(n / 10)));
    const tenTimes = regexSearches(() => convert(line(n)));
    // Linear growth is 10 ×; quadratic would be 100 ×.
    expect(tenTimes).toBeLessThanOrEqual(searches * 12);
  });

  it('no regex backtracks more than 8 times the line’s length in one search on any hostile line', () => {
    const over = regexesOverBacktrackBudget(
      'dist/slack/views/checklistMrkdwn.js',
      '(m, md) => { m.checklistBlock(md); m.checklistInline(md); m.checklistTitle(md); }',
      HOSTILE.map(([, line]) => line(n)),
      8 * (2 * n + 10),
    );
    expect(over).toEqual([]);
  });

  it('the backtrack count names a regex that backtracks catastrophically (so the check above can fail)', () => {
    const over = regexesOverBacktrackBudget(
      'dist/slack/views/checklistMrkdwn.js',
      '(_m, md) => /^(\\s*a?)*b$/.test(md)',
      [' '.repeat(5_000)],
      8 * 5_000,
    );
    expect(over).toEqual(['^(\\s*a?)*b$']);
  });
});

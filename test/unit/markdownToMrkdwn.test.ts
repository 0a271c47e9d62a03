import { describe, it, expect } from 'vitest';
import { inlineMarkdownToMrkdwn, markdownToMrkdwn, stripInlineMarkdown } from '../../src/domain/markdownToMrkdwn.js';

describe('markdownToMrkdwn inline', () => {
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
    expect(inlineMarkdownToMrkdwn(md)).toBe(mrkdwn);
  });
});

describe('markdownToMrkdwn blocks', () => {
  it('keeps fenced code as a ``` block with its content escaped but not formatted', () => {
    const md = ['Template:', '```', 'Subject: Upgrade - [DATE]', '- **not bold** <here>', '```'].join('\n');
    expect(markdownToMrkdwn(md)).toBe(['Template:', '```', 'Subject: Upgrade - [DATE]', '- **not bold** &lt;here&gt;', '```'].join('\n'));
  });

  it('turns a table into one line per row with a bold header', () => {
    const md = ['| Role | Name |', '|------|------|', '| DBA | Jane Doe |'].join('\n');
    expect(markdownToMrkdwn(md)).toBe(['*Role* · *Name*', 'DBA · Jane Doe'].join('\n'));
  });

  it('turns bullets into • and headings into bold lines, and drops thematic breaks', () => {
    const md = ['### Steps', '- first', '  * second', '---', '*Version 1*'].join('\n');
    expect(markdownToMrkdwn(md)).toBe(['*Steps*', '• first', '  • second', '_Version 1_'].join('\n'));
  });

  it('keeps a quote marker that Slack would otherwise see escaped', () => {
    expect(markdownToMrkdwn('> heads up & go')).toBe('> heads up &amp; go');
  });
});

describe('stripInlineMarkdown', () => {
  it('leaves only the words', () => {
    expect(stripInlineMarkdown('**Decision Point** [runbook](https://x.example.com) `cmd` ~~old~~ *it*')).toBe(
      'Decision Point runbook cmd old it',
    );
  });
});

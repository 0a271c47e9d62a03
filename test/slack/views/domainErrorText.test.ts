import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { domainErrorText } from '../../../src/slack/views/domainErrorText.js';

describe('domainErrorText', () => {
  it('escapes text a person typed, so a run ref cannot become a mass mention', () => {
    expect(domainErrorText(new DomainError('bad_run_id', { ref: '<!channel>' }))).toBe('“&lt;!channel&gt;” is not a run id; run ids look like #12.');
  });

  it('mentions only the role holders the bot recorded, and escapes the role name', () => {
    const text = domainErrorText(new DomainError('not_role_holder', { role: '<!here> QA', holders: ['U0QA', '<!everyone>'] }));
    expect(text).toBe('Only the &lt;!here&gt; QA can sign this off (<@U0QA>, &lt;!everyone&gt;).');
  });

  it('words a refusal of a named role with its holders', () => {
    expect(domainErrorText(new DomainError('named_role', { role: 'qa', holders: ['U0BOB'] }))).toBe(
      '*qa* is named in the checklist, so only someone who holds it (held by <@U0BOB>) or a deployday admin can change who holds it.',
    );
  });

  it('escapes the checklist name a person typed, and lists the ones there are', () => {
    expect(domainErrorText(new DomainError('unknown_checklist', { name: '<!channel>', available: ['small-release'] }))).toBe(
      'There is no checklist called “&lt;!channel&gt;”. Available: `small-release`.',
    );
  });

  it('shows an error worded where it was thrown as escaped plain text', () => {
    expect(domainErrorText(new DomainError('That button is <not> one I recognise.', 'bad_value'))).toBe(
      'That button is &lt;not&gt; one I recognise.',
    );
  });

  it('shows a pre-worded error by its text even when its code has wording of its own', () => {
    expect(domainErrorText(new DomainError('Run #4 has ended; page PagerDuty directly if you still need someone.', 'run_ended'))).toBe(
      'Run #4 has ended; page PagerDuty directly if you still need someone.',
    );
  });

  it('lists the undecided gates to choose from one a line, escaping their text and sections', () => {
    const text = domainErrorText(
      new DomainError('gate_to_waive_unclear', {
        runId: 4,
        numbers: [1, 3],
        keys: ['', 'widen-go'],
        texts: ['Go/No-Go <!channel>', 'Go/No-Go to widen'],
        sections: ['Canary <@U0EVE>', 'Expansion'],
      }),
    );
    expect(text).toBe(
      'Run #4 has 2 undecided gates; say which one to waive, by its number or key: `/deploy waive gate 1 <reason>`.\n' +
        '1. “Go/No-Go &lt;!channel&gt;” in Canary &lt;@U0EVE&gt;\n' +
        '3. “Go/No-Go to widen” in Expansion, or `widen-go`',
    );
  });

  it('names the code of an error it has no words for, rather than nothing', () => {
    expect(domainErrorText(new DomainError('brand_new_code'))).toBe('That did not work (brand_new_code).');
  });
});

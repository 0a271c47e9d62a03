import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/slack/commandParser.js';
import { parseTimeout } from '../../src/cli/gateWaitCommand.js';

describe('/deploy token', () => {
  it('reads create with and without a checklist, list and revoke', () => {
    expect(parseCommand('token create github-actions')).toEqual({ kind: 'token', action: 'create', name: 'github-actions', checklist: null });
    expect(parseCommand('token create github-actions release.md')).toEqual({
      kind: 'token',
      action: 'create',
      name: 'github-actions',
      checklist: 'release',
    });
    expect(parseCommand('token list')).toEqual({ kind: 'token', action: 'list' });
    expect(parseCommand('token revoke github-actions')).toEqual({ kind: 'token', action: 'revoke', name: 'github-actions' });
  });

  it('answers a usage line for a bad name, a missing action or extra words', () => {
    for (const text of ['token', 'token create', 'token create Has Spaces', 'token create ci release extra', 'token revoke', 'token rotate ci']) {
      expect(parseCommand(text)).toMatchObject({ kind: 'usage', message: expect.stringContaining('/deploy token create <name>') });
    }
  });
});

describe('gate wait --timeout', () => {
  it('reads hours, minutes and seconds, and refuses anything else', () => {
    expect(parseTimeout('2h')).toBe(7_200_000);
    expect(parseTimeout('1h30m')).toBe(5_400_000);
    expect(parseTimeout('45s')).toBe(45_000);
    expect(parseTimeout('soon')).toBeNull();
    expect(parseTimeout('')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { lintCommand } from '../../src/cli/lintCommand.js';
import {
  githubTargetFor,
  parseProtectionRequest,
  protectionComment,
  protectedGate,
  type ProtectionAnswer,
} from '../../src/domain/githubProtection.js';
import { parseChecklist } from '../../src/domain/parseChecklist.js';

const checklist = (frontMatter: string) =>
  parseChecklist(`---\n${frontMatter}\n---\n# Shop\n\n## Decide\n- [ ] Warm the caches\n- [ ] Go/No-Go for production {#canary-go}\n`, {
    name: 'shop',
    source: 'shop.md',
  });

const payload = {
  action: 'requested',
  environment: 'production',
  event: 'push',
  deployment_callback_url: 'https://api.github.com/repos/acme/shop/actions/runs/9/deployment_protection_rule',
  deployment: { id: 5, ref: 'main', sha: 'a'.repeat(40) },
  repository: { full_name: 'acme/shop' },
  installation: { id: 77 },
  sender: { login: 'octocat' },
};

describe('github: front matter', () => {
  it('maps one entry or a list of repository environments to gate keys', () => {
    const one = checklist('github:\n  repository: acme/shop\n  environment: production\n  gate: canary-go');
    if (!one.ok) throw new Error(JSON.stringify(one.problems));
    expect(one.checklist.settings.github).toEqual([{ repository: 'acme/shop', environment: 'production', gate: 'canary-go' }]);
    const two = checklist(
      'github:\n  - repository: acme/shop\n    environment: production\n    gate: canary-go\n  - repository: acme/shop\n    environment: staging\n    gate: canary-go',
    );
    expect(two.ok && two.checklist.settings.github).toHaveLength(2);
  });

  it('refuses a repository that is not owner/name, at its line', () => {
    const bad = checklist('github:\n  repository: shop\n  environment: production\n  gate: canary-go');
    expect(bad.ok ? [] : bad.problems).toEqual([
      expect.objectContaining({ line: 3, severity: 'error', message: expect.stringContaining('owner/name') }),
    ]);
  });

  it('finds the entry whatever the case GitHub writes the names in, and the gate its key names', () => {
    const parsed = checklist('github:\n  repository: Acme/Shop\n  environment: Production\n  gate: canary-go');
    const c = parsed.ok ? parsed.checklist : null;
    expect(githubTargetFor(c!, 'acme/shop', 'production')?.gate).toBe('canary-go');
    expect(githubTargetFor(c!, 'acme/shop', 'staging')).toBeNull();
    expect(protectedGate(c!, 'canary-go')?.text).toContain('Go/No-Go');
    expect(protectedGate(c!, 'warm-the-caches')).toBeNull();
  });

  it('is a lint error when the gate key names no gate', () => {
    const text =
      '---\ngithub:\n  repository: acme/shop\n  environment: production\n  gate: warm-the-caches\n---\n# Shop\n\n## Decide\n- [ ] Warm the caches\n- [ ] Go/No-Go for production {#canary-go}\n';
    const result = lintCommand(['shop.md'], () => text);
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('front matter github: gate "warm-the-caches" (acme/shop production) is not a gate key; gates: canary-go');
  });
});

describe('deployment_protection_rule payload', () => {
  it('reads what deployday needs from a requested event', () => {
    expect(parseProtectionRequest(payload)).toEqual({
      ok: true,
      request: {
        repository: 'acme/shop',
        environment: 'production',
        deploymentId: 5,
        callbackUrl: payload.deployment_callback_url,
        installationId: 77,
        ref: 'main',
        sha: 'a'.repeat(40),
        sender: 'octocat',
      },
    });
  });

  it('says what is missing from a payload it cannot act on', () => {
    const { installation: _gone, ...withoutInstallation } = payload;
    const result = parseProtectionRequest(withoutInstallation);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain('installation');
  });
});

describe('the comment GitHub shows', () => {
  const names = (id: string) => ({ U0CAROL: 'Carol Diaz', U0BOB: 'Bob Lee' })[id] ?? id;

  it('names the gate, the run and every Go voter by name', () => {
    const go: ProtectionAnswer = { kind: 'go', runId: 12, gate: '**Go/No-Go** for production', gateKey: 'canary-go', voters: ['U0CAROL', 'U0BOB'] };
    expect(protectionComment(go, names)).toBe('Go in Slack on "Go/No-Go for production" (deployday run #12, gate canary-go) by Carol Diaz, Bob Lee.');
  });

  it('gives the No-Go reason, and why a deployment with no run was rejected', () => {
    const noGo: ProtectionAnswer = {
      kind: 'no_go',
      runId: 12,
      gate: 'Go/No-Go',
      gateKey: 'canary-go',
      voters: ['U0CAROL'],
      reason: 'error rate doubled',
    };
    expect(protectionComment(noGo, names)).toBe('No-Go in Slack on "Go/No-Go" (deployday run #12, gate canary-go) by Carol Diaz: error rate doubled');
    expect(protectionComment({ kind: 'no_run', repository: 'acme/shop', environment: 'production' }, names)).toContain(
      'No active deployday run maps acme/shop environment "production"',
    );
  });

  it('is cut to what GitHub keeps', () => {
    const long: ProtectionAnswer = { kind: 'no_go', runId: 1, gate: 'G', gateKey: 'g', voters: [], reason: 'x'.repeat(5000) };
    expect(protectionComment(long, names).length).toBe(1000);
  });
});

import { z } from 'zod';
import type { Checklist, GitHubTarget, Item } from './checklist.js';
import { gateItemOutcome, standingVotes } from './gates.js';
import { itemKeys } from './itemKeys.js';
import type { RunSnapshot } from './run.js';

/**
 * A GitHub App's custom deployment protection rule, as data: what a `deployment_protection_rule`
 * webhook asks, which run's gate answers it, and what deployday tells GitHub (approved or
 * rejected, with a comment). Pure: the webhook's transport, the store and GitHub's API are elsewhere.
 */

/** The fields of GitHub's `deployment_protection_rule` payload deployday reads (action `requested`). */
export interface ProtectionRequest {
  repository: string;
  environment: string;
  deploymentId: number;
  callbackUrl: string;
  installationId: number;
  ref: string | null;
  sha: string | null;
  /** Who started the workflow on GitHub (its login), for the channel notice. */
  sender: string | null;
}

const payloadSchema = z.object({
  action: z.literal('requested'),
  environment: z.string().min(1).max(255),
  deployment_callback_url: z.string().url().max(2000),
  deployment: z.object({ id: z.number().int().positive(), ref: z.string().max(255).nullish(), sha: z.string().max(64).nullish() }),
  installation: z.object({ id: z.number().int().positive() }),
  repository: z.object({ full_name: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/) }),
  sender: z.object({ login: z.string().max(100) }).nullish(),
});

/** The request in a parsed payload, or the reason it is not one deployday can act on. */
export function parseProtectionRequest(payload: unknown): { ok: true; request: ProtectionRequest } | { ok: false; reason: string } {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ') };
  }
  const p = parsed.data;
  return {
    ok: true,
    request: {
      repository: p.repository.full_name,
      environment: p.environment,
      deploymentId: p.deployment.id,
      callbackUrl: p.deployment_callback_url,
      installationId: p.installation.id,
      ref: p.deployment.ref ?? null,
      sha: p.deployment.sha ?? null,
      sender: p.sender?.login ?? null,
    },
  };
}

/** The checklist's `github:` entry for this repository and environment (GitHub's names are case-insensitive). */
export function githubTargetFor(checklist: Checklist, repository: string, environment: string): GitHubTarget | null {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return (checklist.settings.github ?? []).find((t) => same(t.repository, repository) && same(t.environment, environment)) ?? null;
}

/** Why the deployment is approved or rejected, as data; worded by `protectionComment` when it is sent. */
export type ProtectionAnswer =
  | { kind: 'go'; runId: number; gate: string; gateKey: string; voters: string[] }
  | { kind: 'no_go'; runId: number; gate: string; gateKey: string; voters: string[]; reason: string | null }
  | { kind: 'run_ended'; runId: number; status: string; reason: string | null }
  | { kind: 'no_run'; repository: string; environment: string }
  | { kind: 'several_runs'; repository: string; environment: string; runIds: number[] }
  | { kind: 'no_gate'; runId: number; gateKey: string };

export type ProtectionDecision = 'approved' | 'rejected';

export const decisionOf = (answer: ProtectionAnswer): ProtectionDecision => (answer.kind === 'go' ? 'approved' : 'rejected');

/** The gate item a `github:` entry names in a run's checklist, or null when its key names no gate. */
export function protectedGate(checklist: Checklist, gateKey: string): Item | null {
  const item = itemKeys(checklist).byKey.get(gateKey);
  return item && item.kind === 'gate' ? item : null;
}

/** The answer a run owes a waiting deployment now, or null while its gate is undecided and the run goes on. */
export function answerFor(snapshot: RunSnapshot, gate: Item, gateKey: string): ProtectionAnswer | null {
  const outcome = gateItemOutcome(snapshot, gate);
  const votes = standingVotes(snapshot.votes, gate.id);
  const base = { runId: snapshot.run.id, gate: gate.text, gateKey };
  if (outcome === 'passed') return { ...base, kind: 'go', voters: votes.filter((v) => v.vote === 'go').map((v) => v.userId) };
  if (outcome === 'failed') {
    const noGo = votes.filter((v) => v.vote === 'no_go');
    return { ...base, kind: 'no_go', voters: noGo.map((v) => v.userId), reason: noGo.find((v) => v.reason)?.reason ?? null };
  }
  if (snapshot.run.status !== 'active') {
    return { kind: 'run_ended', runId: snapshot.run.id, status: snapshot.run.status.replace('_', ' '), reason: snapshot.run.endReason ?? null };
  }
  return null;
}

/** GitHub shows the comment beside the deployment; it is plain text (no Slack markup, no ids where a name is known). */
export const MAX_COMMENT_CHARS = 1000;

export function protectionComment(answer: ProtectionAnswer, nameOf: (userId: string) => string): string {
  const people = (ids: string[]) => (ids.length > 0 ? ids.map(nameOf).join(', ') : 'the approvers');
  const plainGate = (text: string) => text.replace(/[*_`~]/g, '').trim();
  let text: string;
  switch (answer.kind) {
    case 'go':
      text = `Go in Slack on "${plainGate(answer.gate)}" (deployday run #${answer.runId}, gate ${answer.gateKey}) by ${people(answer.voters)}.`;
      break;
    case 'no_go':
      text = `No-Go in Slack on "${plainGate(answer.gate)}" (deployday run #${answer.runId}, gate ${answer.gateKey}) by ${people(answer.voters)}${answer.reason ? `: ${answer.reason}` : '.'}`;
      break;
    case 'run_ended':
      text = `deployday run #${answer.runId} ${answer.status} before its gate was decided${answer.reason ? `: ${answer.reason}` : '.'}`;
      break;
    case 'no_run':
      text = `No active deployday run maps ${answer.repository} environment "${answer.environment}": start the checklist's run in Slack (/deploy start), then re-run this job.`;
      break;
    case 'several_runs':
      text = `Several active deployday runs map ${answer.repository} environment "${answer.environment}" (${answer.runIds.map((id) => `#${id}`).join(', ')}): finish or abort all but one, then re-run this job.`;
      break;
    case 'no_gate':
      text = `deployday run #${answer.runId}'s checklist maps this environment to gate "${answer.gateKey}", which is not a Go/No-Go gate in it (npx deployday lint --keys lists the keys).`;
      break;
  }
  return text.length > MAX_COMMENT_CHARS ? `${text.slice(0, MAX_COMMENT_CHARS - 1)}…` : text;
}

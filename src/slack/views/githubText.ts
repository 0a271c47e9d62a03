import type { GateDeployment } from '../../domain/run.js';
import { escapeMrkdwn } from './checklistMrkdwn.js';

/** A name GitHub gave (an environment, a ref) as inline code; a backtick in it cannot close the span. */
export function githubCode(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, "'"))}\``;
}

/** Under a gate: a GitHub deployment that waits on it, or what it was told. */
export function gateDeploymentLine(d: GateDeployment): string {
  const what = `${githubCode(d.environment)} (${escapeMrkdwn(d.repository)})`;
  switch (d.status) {
    case 'waiting':
      return `🚦 GitHub is waiting for this gate to deploy ${what}`;
    case 'queued':
    case 'sending':
      return `⏳ Telling GitHub: ${what} ${d.decision ?? 'answered'}`;
    case 'sent':
      return d.decision === 'approved' ? `🚀 GitHub told to deploy ${what}` : `🛑 GitHub told not to deploy ${what}`;
    case 'failed':
      return `⚠️ GitHub refused deployday's answer for ${what}`;
  }
}

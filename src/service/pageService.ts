import type { Run } from '../domain/run.js';

/** Placeholder until paging lands: says how to enable it. */
export class PageService {
  constructor(private readonly enabled: boolean) {}

  pageByHand(_input: { userId: string; channelId: string; runId: number; message: string }): string {
    return 'Paging is off: set PAGERDUTY_ROUTING_KEY (an Events API v2 integration key) and restart deployday to page on-call from Slack.';
  }

  oncallReply(_run: Run): { text: string } {
    return { text: 'On-call lookups are off: set PAGERDUTY_API_TOKEN and give the checklist an `escalationPolicy` in its front matter.' };
  }

  get isEnabled(): boolean {
    return this.enabled;
  }
}

import type { RunMessage, RunMessages } from '../service/runMessages.js';
import { LEASE_MS } from '../service/workLeases.js';
import { LeaseRenewer } from './leaseRenewer.js';

type MessageKey = { runId: number; key: string };

/**
 * The message sync's side of leases (store/leases.ts): a replica posts or updates a message only
 * while it holds the message's lease, renews it while its Slack call is in flight, and lets go
 * after, so replicas never update one message at the same time.
 */
export class MessageLeases {
  private readonly renewer: LeaseRenewer<MessageKey>;

  constructor(
    private readonly messages: RunMessages,
    private readonly log: (message: string) => void,
  ) {
    this.renewer = new LeaseRenewer<MessageKey>({
      renew: (keys) => messages.renew(keys),
      leaseMs: LEASE_MS,
      name: (k) => `${k.runId}/${k.key}`,
      what: 'message',
      log,
    });
  }

  /** Times this replica left a message to the replica holding it (the benches, /healthz, tests). */
  leftToHolder = 0;

  /** Messages this replica is posting or updating right now. */
  get held(): number {
    return this.renewer.size;
  }

  /** Another replica is syncing this message right now (its lease is live): leave it to that one. */
  heldElsewhere(message: RunMessage, now: number = Date.now()): boolean {
    return message.leasedBy !== null && message.leasedBy !== this.messages.replica && (message.leaseUntil ?? 0) >= now;
  }

  /** heldElsewhere, counted in leftToHolder when so: the pass leaves the message alone. */
  leaveToHolder(message: RunMessage, now: number): boolean {
    const held = this.heldElsewhere(message, now);
    if (held) this.leftToHolder += 1;
    return held;
  }

  /**
   * Runs `work` holding the message's lease; false (and no work) when another replica holds it, or
   * the database could not say. Never throws for the lease itself: a lease not let go runs out.
   */
  async withLease(message: MessageKey, work: () => Promise<void>): Promise<boolean> {
    const claimed = await this.messages.claim(message.runId, message.key).catch((error: unknown) => {
      this.log(`could not take the lease of run ${message.runId} message ${message.key}: ${describe(error)}`);
      return false;
    });
    if (!claimed) {
      this.leftToHolder += 1;
      return false;
    }
    const release = this.renewer.hold([message]);
    try {
      await work();
    } finally {
      release();
      await this.messages
        .release(message.runId, message.key)
        .catch((error: unknown) => this.log(`could not let go of run ${message.runId} message ${message.key}: ${describe(error)}`));
    }
    return true;
  }

  stop(): void {
    this.renewer.stop();
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

import type { Db } from '../store/db.js';
import { nextPostSlotAt, pauseChannelPosts, type PaceRule, takePostSlot } from '../store/channelPace.js';

export type { PaceRule };

/**
 * The post pace of each channel and Slack's 429 pause on it, shared by every replica through the
 * database (store/channelPace.ts): Slack counts posts per channel, whichever replica makes them.
 * Times are the wall clock's epoch ms, like Slack's Retry-After.
 */
export interface ChannelPace {
  /**
   * Takes a post slot on the channel: `0` when this caller may post now (one statement), otherwise
   * when to ask again (the next free slot or the end of a pause; nothing is taken).
   */
  take(channelId: string, now: number, rule: PaceRule): Promise<number>;
  /** Slack said 429 until `until`: every replica's posts to the channel wait until then. */
  pause(channelId: string, until: number): Promise<void>;
}

export function createChannelPace(db: Db): ChannelPace {
  return {
    take: async (channelId, now, rule) => {
      if (await takePostSlot(db, channelId, now, rule)) return 0;
      // Taken by another replica since, or paused: a slot may free up at once, never earlier than now.
      return Math.max(now + 1, await nextPostSlotAt(db, channelId, rule));
    },
    pause: (channelId, until) => pauseChannelPosts(db, channelId, until),
  };
}

-- Issue 15: the per-channel post pace and Slack's 429 pause, shared by every replica (one row per
-- channel), so two replicas together post to a channel no faster than one. next_at: the pace's
-- theoretical time of the next post (GCRA: a post may go while next_at <= now + (burst - 1) *
-- interval, and moves it one interval on); paused_until: the end of the last Retry-After Slack gave
-- any replica for this channel. Both epoch ms of the wall clock. Channel ids are Slack's, unique
-- across workspaces (a Slack Connect channel keeps one id, and Slack paces it as one channel).
CREATE TABLE channel_pace (
  channel_id TEXT PRIMARY KEY,
  next_at INTEGER NOT NULL,
  paused_until INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

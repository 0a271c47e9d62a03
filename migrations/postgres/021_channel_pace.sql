-- PostgreSQL twin of migrations/021_channel_pace.sql: one row per channel holding the shared post
-- pace (next_at) and the last 429's end (paused_until), epoch ms of the wall clock.
CREATE TABLE channel_pace (
  channel_id TEXT PRIMARY KEY,
  next_at BIGINT NOT NULL,
  paused_until BIGINT NOT NULL DEFAULT 0
);

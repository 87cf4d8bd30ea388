-- Rate-limit windows are counters that only need to outlive a request, not a crash: unlogged,
-- a hit writes no WAL, so its commit does not wait for a disk flush (every portal request
-- and sign-in counts one). After a crash PostgreSQL empties the table: every window restarts.
ALTER TABLE "rate_limits" SET UNLOGGED;

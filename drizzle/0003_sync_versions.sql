CREATE TABLE "sync_versions" (
	"lock_key" text PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);

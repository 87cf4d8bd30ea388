CREATE TABLE "sync_progress" (
	"livemode" boolean NOT NULL,
	"phase" text NOT NULL,
	"cursor" text,
	"boundary" jsonb,
	"objects" integer DEFAULT 0 NOT NULL,
	"changed" integer DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_progress_livemode_phase_pk" PRIMARY KEY("livemode","phase")
);

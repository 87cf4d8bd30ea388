-- Projects: the apps one Portico serves, each with its own Stripe account. Secrets are stored
-- sealed (AES-256-GCM under PORTICO_ENCRYPTION_KEY), never in plain text.
CREATE TABLE "projects" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"test_secret_key" text,
	"live_secret_key" text,
	"test_webhook_secrets" text,
	"live_webhook_secrets" text,
	"jwt_secret" text,
	"return_origins" text[] DEFAULT '{}'::text[] NOT NULL,
	"billing_config" jsonb,
	"rate_limits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"jwt" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "projects_id_check" CHECK ("projects"."id" ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$')
);

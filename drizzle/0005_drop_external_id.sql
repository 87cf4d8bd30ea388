ALTER TABLE "users" DROP CONSTRAINT "users_external_id_unique";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "external_id";
ALTER TABLE "users" ADD COLUMN "external_issuer" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "external_subject" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "external_email" text;--> statement-breakpoint
-- Existing users were keyed `<iss>|<sub>`. An issuer is a URL, which holds no `|` (it would be
-- percent-encoded), while a subject may (Auth0's `auth0|123`): the issuer ends at the first `|`.
UPDATE "users" SET
  "external_issuer" = split_part("external_id", '|', 1),
  "external_subject" = substr("external_id", strpos("external_id", '|') + 1)
WHERE "external_id" IS NOT NULL;--> statement-breakpoint
-- A token without `iss` used to be keyed `jwt|<sub>`; it is the empty issuer now. Unless that
-- subject also came with an empty `iss` (keyed `|<sub>`): that user keeps the empty issuer.
UPDATE "users" AS "legacy" SET "external_issuer" = ''
WHERE "legacy"."external_issuer" = 'jwt' AND NOT EXISTS (
  SELECT 1 FROM "users" AS "other"
  WHERE "other"."external_issuer" = '' AND "other"."external_subject" = "legacy"."external_subject"
);--> statement-breakpoint
CREATE UNIQUE INDEX "users_external_identity_idx" ON "users" USING btree ("external_issuer","external_subject");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_external_identity_check" CHECK (("users"."external_issuer" is null) = ("users"."external_subject" is null));
-- Portico's tables move out of "public" into their own schema, beside a host app's tables.
-- Migrations run with search_path = <Portico's schema>, public (so current_schema() is
-- Portico's): a fresh database created them there already; a database from before this
-- migration has them in public, and they move (rows, indexes, constraints and foreign keys
-- go with them).
DO $$
DECLARE
  name text;
BEGIN
  FOREACH name IN ARRAY ARRAY[
    'users', 'sessions', 'billing_customers', 'portal_sessions', 'rate_limits', 'stripe_events',
    'billing_customer_details', 'billing_subscriptions', 'billing_payment_methods',
    'billing_invoices', 'checkout_sessions', 'sync_progress', 'sync_versions'
  ] LOOP
    IF to_regclass(format('public.%I', name)) IS NOT NULL
       AND to_regclass(format('%I.%I', current_schema(), name)) IS NULL THEN
      EXECUTE format('ALTER TABLE public.%I SET SCHEMA %I', name, current_schema());
    END IF;
  END LOOP;
END $$;

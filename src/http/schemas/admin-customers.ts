import { z } from "@hono/zod-openapi";

/** Request and response shapes of `/api/admin/customers`. */

const subjectField = z.string().min(1).max(320).openapi({
  description:
    "user:<id>, organization:<id>, email:<address>, external:<app user id>, a Portico user id or an email",
  example: "external:app-user-42",
});

const modeField = z
  .enum(["test", "live"])
  .openapi({ description: "The Stripe mode of the customer" });

export const CreateCustomerLinkSchema = z
  .strictObject({
    subject: subjectField,
    customerId: z.string().min(1).max(255).openapi({ example: "cus_Q1w2e3r4t5" }),
    mode: modeField.default("test"),
  })
  .openapi("CreateCustomerLink");

export const CustomerLinkSchema = z
  .object({
    subject: z.string().openapi({ example: "user:5f0c…" }),
    customerId: z.string(),
    mode: modeField,
    status: z.enum(["linked", "unchanged"]).openapi({
      description: "`unchanged`: the subject already had exactly this customer",
    }),
    synced: z.boolean().openapi({
      description: "Whether the customer's subscriptions, cards and invoices were pulled now",
    }),
  })
  .openapi("CustomerLink");

export const ListCustomerLinksQuery = z.object({ subject: subjectField });

export const CustomerLinkListSchema = z
  .object({
    subject: z.string(),
    links: z.array(z.object({ mode: modeField, customerId: z.string() })),
  })
  .openapi("CustomerLinkList");

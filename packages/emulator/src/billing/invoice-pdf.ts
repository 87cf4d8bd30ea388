import type { Account } from "../store.js";
import { formatAmount, type Invoice } from "./invoice-build.js";

/**
 * A real, minimal PDF 1.4 document for `invoice_pdf`, written by hand: one page, the
 * standard Helvetica font (no embedding needed) and a byte-exact xref table, so PDF
 * readers open it without repair.
 */

/** PDF strings escape `\`, `(` and `)`; WinAnsi covers Latin-1, anything else becomes `?`. */
function escapePdfText(text: string): string {
  return text
    .replace(/[^\x20-\xff]/g, "?")
    .replace(/\\/g, "\\\\")
    .replace(/\(/g, "\\(")
    .replace(/\)/g, "\\)");
}

function formatDate(unixSeconds: number | null): string {
  if (unixSeconds === null) return "-";
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

/** The text lines of the page, top to bottom, with their font size. */
function invoiceTextLines(account: Account, invoice: Invoice): [number, string][] {
  const customerId = typeof invoice.customer === "string" ? invoice.customer : "";
  const money = (amount: number) => formatAmount(amount, invoice.currency);
  return [
    [20, "Invoice"],
    [11, `Invoice number: ${invoice.number ?? "DRAFT"}`],
    [11, `Date: ${formatDate(invoice.effective_at ?? invoice.created)}`],
    [11, `Status: ${invoice.status ?? "draft"}`],
    [11, `Billed to: ${invoice.customer_name ?? invoice.customer_email ?? customerId}`],
    [11, `Customer: ${customerId}`],
    [11, ""],
    ...invoice.lines.data.map((line): [number, string] => [
      11,
      `${line.description ?? ""}    ${money(line.amount)}`,
    ]),
    [11, ""],
    [12, `Total: ${money(invoice.total)}`],
    [12, `Amount due: ${money(invoice.amount_due)}`],
    [12, `Amount paid: ${money(invoice.amount_paid)}`],
    [9, `Issued by ${invoice.account_name ?? account.id} (Stripe emulator)`],
  ];
}

function buildContentStream(lines: [number, string][]): string {
  const ops = ["BT", "72 740 Td"];
  let previousSize = 0;
  for (const [size, text] of lines) {
    if (size !== previousSize) ops.push(`/F1 ${size} Tf`);
    previousSize = size;
    ops.push(`(${escapePdfText(text)}) Tj`, `0 -${Math.round(size * 1.6)} Td`);
  }
  ops.push("ET");
  return ops.join("\n");
}

/** Serialises numbered objects with an xref table whose offsets are byte positions. */
export function assemblePdf(objects: string[]): Buffer {
  const chunks: Buffer[] = [];
  let length = 0;
  const push = (text: string) => {
    const chunk = Buffer.from(text, "latin1");
    chunks.push(chunk);
    length += chunk.length;
  };
  // The binary comment tells transfer tools the file is not plain text.
  push("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(length);
    push(`${index + 1} 0 obj\n${body}\nendobj\n`);
  });
  const xrefOffset = length;
  const entries = offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`);
  push(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries.join("")}`);
  push(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`);
  return Buffer.concat(chunks);
}

export function renderInvoicePdf(account: Account, invoice: Invoice): Buffer {
  const content = buildContentStream(invoiceTextLines(account, invoice));
  const contentLength = Buffer.byteLength(content, "latin1");
  return assemblePdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    `<< /Length ${contentLength} >>\nstream\n${content}\nendstream`,
  ]);
}

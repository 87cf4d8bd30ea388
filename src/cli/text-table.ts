/** Plain-text layouts the CLI prints: aligned columns, and `name  value` field lists. */

/**
 * A header and rows in columns two spaces apart. The last column is not padded, so a long
 * value (an error message) never pushes trailing spaces onto the other lines.
 */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return `${[header, ...rows].map(format).join("\n")}\n`;
}

/** One record, a field per line, values aligned after the longest name. */
export function renderFields(fields: [name: string, value: string][]): string {
  const width = Math.max(...fields.map(([name]) => name.length));
  return `${fields.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join("\n")}\n`;
}

// A plain-text table for the terminal: columns padded to line up, numbers right-aligned.

/** Formats rows under a header; cells that look like numbers are right-aligned. */
export function formatTable(columns: readonly string[], rows: readonly string[][]): string {
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => {
        const width = widths[index] ?? 0;

        return /^[\d.–-]+$/.test(cell) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');

  return [line(columns), rule, ...rows.map(line)].join('\n');
}

/** Milliseconds as a cell: whole numbers, a dash when unknown. */
export function msCell(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? '–' : Math.round(ms).toString();
}

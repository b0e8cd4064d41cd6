// How command results are printed: JSON for scripts, aligned text for people.

/** Prints `value` as indented JSON on stdout (what `--json` prints). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Rows of label and value as two columns, labels padded to one width. */
export function formatColumns(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));

  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}

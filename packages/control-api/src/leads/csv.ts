// A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF or LF line ends.

/** One parsed record with its 1-based line number in the file (for per-row errors). */
export interface CsvRecord {
  /** Line where the record starts. */
  line: number;
  /** Field values in order. */
  fields: string[];
}

/** Thrown for a quote left open at the end of the input. */
export class CsvSyntaxError extends Error {
  /** Stable code. */
  readonly code = 'csv_syntax';
}

/** Parses CSV text into records; blank lines are skipped. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0; // Byte-order mark some spreadsheets write.

  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    recordLine = line;
  };

  for (; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line += 1;
        field += char;
      }
      continue;
    }

    if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      line += 1;
      endRecord();
    } else field += char;
  }

  if (quoted) throw new CsvSyntaxError(`unterminated quoted field starting on line ${recordLine}`);
  if (field !== '' || fields.length > 0) endRecord();

  return records;
}

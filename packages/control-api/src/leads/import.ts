// CSV import of leads: per-row errors, de-duplication within the file and against the store,
// and a summary. Valid rows go to the store in one bulk insert.
import { parseCsv } from './csv.js';
import { LANGUAGE_PATTERN, isTimeZone, leadTextProblem, parseBoolean } from './fields.js';
import { normalizePhone } from './phone.js';
import type { NewLead, Store } from '../store/types.js';

/** A row that was not imported, and why. */
export interface ImportRowError {
  /** 1-based line in the file. */
  line: number;
  /** Column at fault. */
  field: string;
  /** Stable code: `required`, `invalid_phone`, `duplicate_in_file`, `duplicate_in_store`, … */
  code: string;
  /** Human-readable reason. */
  message: string;
}

/** What an import did. */
export interface ImportSummary {
  /** Data rows read (header excluded). */
  total_rows: number;
  /** Leads created. */
  created: number;
  /** Rows refused for bad values. */
  invalid: number;
  /** Rows whose phone appeared earlier in the file. */
  duplicates_in_file: number;
  /** Rows whose phone already belonged to a lead. */
  duplicates_in_store: number;
  /** Header columns that were not used. */
  ignored_columns: string[];
  /** Per-row errors, at most MAX_REPORTED_ERRORS. */
  errors: ImportRowError[];
  /** True when more errors happened than are listed. */
  errors_truncated: boolean;
}

/** Errors listed in the answer; the counts stay exact beyond it. */
export const MAX_REPORTED_ERRORS = 1000;

/** Largest import in rows. */
export const MAX_IMPORT_ROWS = 100_000;

const KNOWN_COLUMNS = [
  'name',
  'phone',
  'language',
  'loan_type',
  'consent',
  'do_not_call',
  'time_zone',
  'notes',
];

const languagePattern = new RegExp(LANGUAGE_PATTERN);

/** A file-level problem (no header, missing column, too many rows). */
export class ImportFileError extends Error {
  /** Stable code. */
  readonly code: string;
  /** Column or `file`. */
  readonly field: string;

  constructor(code: string, field: string, message: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

type RowResult = { lead: NewLead } | { error: Omit<ImportRowError, 'line'> };

function readRow(get: (column: string) => string, countryCode: string): RowResult {
  const name = get('name').trim();
  if (!name) return { error: { field: 'name', code: 'required', message: 'name is required' } };
  const loanType = get('loan_type').trim() || null;
  const notes = get('notes').trim() || null;
  for (const [field, value] of [
    ['name', name],
    ['loan_type', loanType],
    ['notes', notes],
  ] as const) {
    const problem = value === null ? undefined : leadTextProblem(field, value);
    if (problem) return { error: { field, code: 'invalid_text', message: `${field} ${problem}` } };
  }

  const phone = normalizePhone(get('phone'), countryCode);
  if (!phone.ok) {
    const message = `phone is not a valid number (${phone.problem})`;
    return { error: { field: 'phone', code: 'invalid_phone', message } };
  }

  const language = get('language').trim() || undefined;
  if (language && !languagePattern.test(language)) {
    const message = 'language must be a tag like hi-IN';
    return { error: { field: 'language', code: 'invalid_language', message } };
  }

  const timeZone = get('time_zone').trim() || undefined;
  if (timeZone && !isTimeZone(timeZone)) {
    const message = 'time_zone must be an IANA zone';
    return { error: { field: 'time_zone', code: 'invalid_time_zone', message } };
  }

  const consent = parseBoolean(get('consent'));
  const doNotCall = parseBoolean(get('do_not_call'));
  for (const [field, value] of [
    ['consent', consent],
    ['do_not_call', doNotCall],
  ] as const) {
    if (value === undefined) {
      const message = `${field} must be true/false, yes/no or 1/0`;
      return { error: { field, code: 'invalid_boolean', message } };
    }
  }

  const lead: NewLead = {
    name,
    phone: phone.e164,
    language,
    loan_type: loanType,
    consent,
    do_not_call: doNotCall,
    time_zone: timeZone ?? null,
    notes,
    source: 'csv',
  };

  return { lead };
}

/** Imports leads from CSV text; the first line is the header (needs `name` and `phone`). */
export async function importLeadsCsv(
  text: string,
  store: Store,
  countryCode: string,
): Promise<ImportSummary> {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new ImportFileError('csv_empty', 'file', 'the CSV has no header line');
  if (rows.length > MAX_IMPORT_ROWS) {
    throw new ImportFileError('csv_too_many_rows', 'file', `at most ${MAX_IMPORT_ROWS} rows`);
  }

  const columns = header.fields.map((column) => column.trim().toLowerCase());
  for (const required of ['name', 'phone']) {
    if (!columns.includes(required)) {
      throw new ImportFileError(
        'csv_missing_column',
        required,
        `header needs a ${required} column`,
      );
    }
  }

  const summary: ImportSummary = {
    total_rows: rows.length,
    created: 0,
    invalid: 0,
    duplicates_in_file: 0,
    duplicates_in_store: 0,
    ignored_columns: columns.filter((column) => !KNOWN_COLUMNS.includes(column)),
    errors: [],
    errors_truncated: false,
  };
  const report = (error: ImportRowError) => {
    if (summary.errors.length < MAX_REPORTED_ERRORS) summary.errors.push(error);
    else summary.errors_truncated = true;
  };

  const firstLineOfPhone = new Map<string, number>();
  const leads: NewLead[] = [];
  for (const row of rows) {
    const get = (column: string) => row.fields[columns.indexOf(column)] ?? '';
    const result = readRow(get, countryCode);
    if ('error' in result) {
      summary.invalid += 1;
      report({ line: row.line, ...result.error });
      continue;
    }

    const first = firstLineOfPhone.get(result.lead.phone);
    if (first !== undefined) {
      summary.duplicates_in_file += 1;
      const message = `phone already appears on line ${first}`;
      report({ line: row.line, field: 'phone', code: 'duplicate_in_file', message });
      continue;
    }

    firstLineOfPhone.set(result.lead.phone, row.line);
    leads.push(result.lead);
  }

  const result = await store.createLeads(leads);
  summary.created = result.created.length;
  summary.duplicates_in_store = result.existing_phones.length;
  for (const phone of result.existing_phones) {
    const line = firstLineOfPhone.get(phone) ?? 0;
    report({
      line,
      field: 'phone',
      code: 'duplicate_in_store',
      message: 'phone belongs to a lead',
    });
  }
  summary.errors.sort((a, b) => a.line - b.line);

  return summary;
}

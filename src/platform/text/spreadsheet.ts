/**
 * A cell value that a spreadsheet will show as text, never run as a formula: values starting with
 * = + - @ (or a tab / carriage return) get a leading apostrophe (OWASP "CSV injection"); plain
 * numbers are left alone.
 */
export function spreadsheetSafe(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // A plain number such as -5 is a value, not a formula, and must round-trip.
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return text;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

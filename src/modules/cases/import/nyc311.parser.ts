import type { Channel } from '../domain/case-types.ts';
import { guessKind, guessUrgency } from './case-traits.guess.ts';
import { readCsv } from './csv-records.reader.ts';
import { badDate, checkLocation, cleanText, hasValue, missingId, missingText, requireColumns, rowError } from './import-fields.normalize.ts';
import type { ImportedCase, ImportInput, ImportRow } from './import.types.ts';
import { toUtcIso } from './source-time.parser.ts';

const NYC_ZONE = 'America/New_York';

const CHANNELS: Record<string, Channel> = { PHONE: 'hotline', ONLINE: 'web', MOBILE: 'app' };

/** NYC statuses seen across the 311 dataset's years; unknown ones fall back on whether a Closed Date exists. */
const STATUSES: Record<string, ImportedCase['status']> = {
  open: 'open', unassigned: 'open', draft: 'open', unspecified: 'open',
  assigned: 'in_progress', pending: 'in_progress', started: 'in_progress', 'in progress': 'in_progress',
  'email sent': 'in_progress',
  closed: 'closed',
};

// Columns that become record fields; every other non-placeholder column is kept in attributes under its own name.
const MAPPED = new Set([
  'Unique Key', 'Created Date', 'Closed Date', 'Due Date', 'Agency', 'Agency Name', 'Complaint Type',
  'Incident Address', 'Latitude', 'Longitude', 'Location', 'Resolution Description',
]);

function mapStatus(status: string, closedAt: string | undefined): ImportedCase['status'] {
  const s = status.trim().toLowerCase();
  return STATUSES[s] ?? (s.startsWith('closed') || closedAt !== undefined ? 'closed' : 'open');
}

function addressOf(f: Record<string, string>): string | undefined {
  const incident = f['Incident Address']?.trim();
  if (incident) return incident;
  const a = f['Intersection Street 1']?.trim();
  const b = f['Intersection Street 2']?.trim();
  return a && b ? `${a} & ${b}` : undefined;
}

/** Maps one NYC 311 row (columns by header name, so every year's layout works) to a case or a row error. */
export function mapNyc311Row(row: number, f: Record<string, string>, raw: string): ImportRow {
  const id = f['Unique Key']?.trim() ?? '';
  if (id === '') return missingId(row, 'Unique Key', raw);

  const times: Partial<Record<'Created Date' | 'Closed Date' | 'Due Date' | 'Resolution Action Updated Date', string>> = {};
  for (const column of ['Created Date', 'Closed Date', 'Due Date', 'Resolution Action Updated Date'] as const) {
    const value = f[column] ?? '';
    if (value.trim() === '' && column !== 'Created Date') continue;
    const iso = toUtcIso(value, NYC_ZONE);
    if (iso === undefined) return badDate(row, column, value, raw);
    times[column] = iso;
  }

  const complaint = cleanText(f['Complaint Type']);
  const descriptor = cleanText(f['Descriptor']);
  if (complaint === '' && descriptor === '') return missingText(row, 'Complaint Type, Descriptor', raw);

  const attributes: Record<string, string> = {};
  for (const [column, value] of Object.entries(f)) {
    if (!MAPPED.has(column) && hasValue(value)) attributes[column] = value.trim();
  }

  const address = addressOf(f);
  const point = checkLocation(f['Latitude'], f['Longitude']);
  if (!point.ok && point.note !== undefined) attributes['import.locationDropped'] = point.note;
  const channelType = (f['Open Data Channel Type'] ?? '').trim().toUpperCase();
  // Files before the column existed (the 2013 sample) and OTHER/UNKNOWN are calls routed through the hotline.
  const channel = CHANNELS[channelType] ?? 'hotline';
  const agency = f['Agency']?.trim() ?? '';
  const resolution = cleanText(f['Resolution Description']);
  const title = complaint || descriptor;
  const closedAt = times['Closed Date'];

  const record: ImportedCase = {
    source: 'nyc311',
    externalId: id,
    channel,
    kind: guessKind(title),
    urgency: guessUrgency(`${title} ${descriptor}`),
    title,
    text: descriptor || complaint,
    categoryPath: complaint ? [complaint] : [],
    receivedAt: times['Created Date'] as string,
    status: mapStatus(f['Status'] ?? '', closedAt),
    attributes,
  };
  // 'Agency Name' in the exports is often a unit or a place ("Queens West 06" for DSNY), so a known
  // agency keeps its official name and only unknown ones fall back to the row's text.
  if (agency) record.department = { code: agency, name: NYC_AGENCIES[agency] ?? (f['Agency Name']?.trim() || agency) };
  if (address) record.address = address;
  if (point.ok) record.location = { lng: point.lng, lat: point.lat, ...(address ? { address } : {}) };
  if (times['Due Date']) record.dueAt = times['Due Date'];
  if (closedAt) record.closedAt = closedAt;
  if (hasValue(resolution)) {
    record.reply = { text: resolution, ...(times['Resolution Action Updated Date'] ? { at: times['Resolution Action Updated Date'] } : {}) };
  }
  return { row, ok: true, record };
}

/** Official names of the city agencies that answer 311 requests. */
export const NYC_AGENCIES: Readonly<Record<string, string>> = {
  NYPD: 'New York City Police Department',
  DOT: 'Department of Transportation',
  DOF: 'Department of Finance',
  DHS: 'Department of Homeless Services',
  DPR: 'Department of Parks and Recreation',
  DOHMH: 'Department of Health and Mental Hygiene',
  DCA: 'Department of Consumer Affairs',
  TLC: 'Taxi and Limousine Commission',
  DFTA: 'Department for the Aging',
  DEP: 'Department of Environmental Protection',
  HPD: 'Department of Housing Preservation and Development',
  DSNY: 'Department of Sanitation',
  DOE: 'Department of Education',
  DOB: 'Department of Buildings',
  NYCEM: 'New York City Emergency Management',
  OEM: 'Office of Emergency Management',
  HRA: 'Human Resources Administration',
  EDC: 'Economic Development Corporation',
  DOITT: 'Department of Information Technology and Telecommunications',
  '3-1-1': '311 Customer Service Center',
};

/** Streams NYC 311 service requests (Socrata CSV export) as cases or per-row errors. */
export async function* parseNyc311(input: ImportInput): AsyncGenerator<ImportRow, void, undefined> {
  for await (const event of readCsv(input)) {
    if (event.type === 'header') {
      requireColumns(event.columns, ['Unique Key', 'Created Date', 'Complaint Type'], 'NYC 311');
      continue;
    }
    if (event.type === 'broken') {
      yield rowError(event.row, 'IMPORT_BAD_CSV_ROW', event.reason, event.reasonZh, event.raw);
      continue;
    }
    yield mapNyc311Row(event.row, event.fields, event.raw);
  }
}

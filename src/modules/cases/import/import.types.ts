import type { Readable } from 'node:stream';
import type { Channel, Kind, Urgency } from '../domain/case-types.ts';

/** Which external dataset a record came from; (source, externalId) identifies it across re-runs. */
export type ImportSource = 'nyc311' | 'open311' | 'teddycup';

/** One external case normalised to CityLoop's vocabulary, ready to be stored. */
export interface ImportedCase {
  source: ImportSource;
  /** Unique within the source and stable across re-runs of the same file. */
  externalId: string;
  channel: Channel;
  kind: Kind;
  urgency: Urgency;
  title: string;
  text: string;
  /** Category names from the top level down. */
  categoryPath: string[];
  department?: { code: string; name: string };
  requester?: { name?: string; phone?: string };
  location?: { lng: number; lat: number; address?: string };
  address?: string;
  /** ISO-8601 UTC. */
  receivedAt: string;
  dueAt?: string;
  closedAt?: string;
  status: 'open' | 'in_progress' | 'closed';
  reply?: { text: string; at?: string };
  likes?: number;
  dislikes?: number;
  /** Source fields worth keeping under their source names, plus `import.*` notes written by the parser. */
  attributes: Record<string, string>;
}

/** The outcome of one input row: a record, or the reason it was rejected (the import goes on). */
export type ImportRow =
  | { row: number; ok: true; record: ImportedCase }
  | {
      row: number;
      ok: false;
      /** IMPORT_MISSING_ID, IMPORT_BAD_DATE, IMPORT_MISSING_TEXT, IMPORT_BAD_CSV_ROW, IMPORT_BAD_ENTRY. */
      code: string;
      /** English reason naming the column and value at fault. */
      reason: string;
      /** The same reason in Chinese, for people. */
      reasonZh: string;
      /** The offending input as found (truncated when huge). */
      raw: string;
    };

/** A file path or an already opened byte stream. */
export type ImportInput = string | Readable;

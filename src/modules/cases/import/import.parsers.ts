import type { ImportInput, ImportRow, ImportSource } from './import.types.ts';
import { parseNyc311 } from './nyc311.parser.ts';
import { parseOpen311 } from './open311.parser.ts';
import { parseTeddycup } from './teddycup.parser.ts';

/** Streams the rows of a file from the given source (Open311 format detected from content). */
export function parseImport(source: ImportSource, input: ImportInput): AsyncGenerator<ImportRow, void, undefined> {
  switch (source) {
    case 'nyc311': return parseNyc311(input);
    case 'teddycup': return parseTeddycup(input);
    case 'open311': return parseOpen311(input);
  }
}

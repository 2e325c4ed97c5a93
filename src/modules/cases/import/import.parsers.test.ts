import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ImportSource } from './import.types.ts';
import { parseImport } from './import.parsers.ts';

const sample = (name: string) => fileURLToPath(new URL(`./samples/${name}`, import.meta.url));

describe('parseImport', () => {
  it.each([
    ['nyc311', 'nyc311-mixed.csv', '1001'],
    ['teddycup', 'teddycup-replies.csv', 'a4-2549'],
    ['open311', 'open311-requests.xml', '638344'],
  ] as const)('hands a %s file to its parser', async (source: ImportSource, file: string, firstId: string) => {
    const rows = parseImport(source, sample(file));
    const first = await rows.next();
    await rows.return(undefined);
    expect(first.value).toMatchObject({ row: 1, ok: true, record: { source, externalId: firstId } });
  });
});

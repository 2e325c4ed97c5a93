import { cleanCitizenText } from '../text/text-normalize.ts';

/** Longest input looked at: a pasted novel must not cost more than a long complaint. */
export const MAX_ANALYSED_CHARS = 4_000;

/**
 * Text as the miner compares it: the shared cleaning (`cleanCitizenText`: markup, emoji and control
 * characters gone, full NFKC so ＡＢ１ → AB1, traditional characters simplified, whitespace collapsed),
 * case kept, at most MAX_ANALYSED_CHARS. Never throws; anything that is not a string is empty.
 */
export function normalizeIssueText(raw: unknown): string {
  return cleanCitizenText(raw, { max: MAX_ANALYSED_CHARS, lowerCase: false, fullNfkc: true }).text;
}

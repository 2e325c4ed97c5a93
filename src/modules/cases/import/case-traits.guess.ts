import type { Kind, Urgency } from '../domain/case-types.ts';

// None of the sources records what the requester wants or how urgent it is, so both are read off the
// subject line with a few unambiguous words; everything else is the everyday complaint at normal urgency.
// The first matching rule wins, so the more specific intents come first.
const KIND_RULES: ReadonlyArray<readonly [Kind, RegExp]> = [
  ['praise', /感谢|表扬|致谢|锦旗|\bcompliment|\bpraise|\bthank/i],
  ['report', /举报|检举|违法|违规|违建|非法|\billegal\b|\bfraud|\bviolation/i],
  ['complaint', /投诉|\bcomplaint/i],
  ['suggestion', /建议|建言|\bsuggest/i],
  ['consult', /咨询|请问|询问|如何|怎么|能否|可否|[?？]\s*$|\bquestion|\binquiry|\binformation\b/i],
  ['help', /求助|救助|帮助|恳请|\bassistance\b|\bhelp\b/i],
];

/** The requester's intent guessed from a subject line (defaults to complaint). */
export function guessKind(subject: string): Kind {
  for (const [kind, pattern] of KIND_RULES) if (pattern.test(subject)) return kind;
  return 'complaint';
}

const URGENT = /紧急|危险|险情|塌陷|爆炸|(?<!non[- ])\bemergency\b|\bhazardous\b|\bgas leak\b/i;

/** Urgency guessed from a subject line: urgent only on explicit danger words, otherwise normal. */
export function guessUrgency(subject: string): Urgency {
  return URGENT.test(subject) ? 'urgent' : 'normal';
}

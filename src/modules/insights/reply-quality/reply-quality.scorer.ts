import { normalizeText } from '../text/text-normalize.ts';
import { keywords } from '../text/word-segmenter.ts';
import { bigramHashes } from '../duplicates/text-signature.ts';

/** Why a reply is flagged for review. */
export const REPLY_FLAGS = {
  empty: 'EMPTY',
  tooShort: 'TOO_SHORT',
  acknowledgementOnly: 'ACKNOWLEDGEMENT_ONLY',
  offTopic: 'OFF_TOPIC',
  incomplete: 'INCOMPLETE',
  refusalWithoutBasis: 'REFUSAL_WITHOUT_BASIS',
  lowOverall: 'LOW_OVERALL',
} as const;
export type ReplyFlag = (typeof REPLY_FLAGS)[keyof typeof REPLY_FLAGS];

export const REPLY_FLAG_ZH: Record<ReplyFlag, string> = {
  EMPTY: '答复为空',
  TOO_SHORT: '答复过短',
  ACKNOWLEDGEMENT_ONLY: '仅表示已收悉，未答复实质内容',
  OFF_TOPIC: '答复与诉求关联度低',
  INCOMPLETE: '答复要素不全（做了什么、谁做的、何时、下一步）',
  REFUSAL_WITHOUT_BASIS: '不予办理或无法解决但未说明依据或理由',
  LOW_OVERALL: '综合评分偏低',
};

/** Scores 0–100 per dimension, the evidence behind them, and the flags raised. */
export interface ReplyQuality {
  relevance: number;
  completeness: number;
  explainability: number;
  overall: number;
  /** Needs a person to look at it before the case is resolved. */
  flagged: boolean;
  flags: ReplyFlag[];
  /** Which completeness elements were found. */
  elements: { action: boolean; actor: boolean; time: boolean; next: boolean };
  evidence: {
    /** Key terms of the request found in the reply / missing from it. */
    sharedTerms: string[];
    missingTerms: string[];
    actions: string[];
    actors: string[];
    times: string[];
    nextSteps: string[];
    citations: string[];
    reasons: string[];
  };
}

/** Thresholds below which a reply is flagged (kept together so the docs and the code agree). */
export const REPLY_THRESHOLDS = { overall: 45, relevance: 35, completeness: 50, minChars: 30 } as const;

// What was done: handling verbs, usually after 已/经/立即 ("已安排人员现场核实").
const ACTION = /(?:已经?|立即|及时|随即|当即|迅速|经)?(?:派员|组织|安排)?(?:人员|工作人员)?(?:到|赴)?(?:现场|实地)?(?:调查|核实|核查|查看|勘查|处理|处置|整改|督促|责令|约谈|查处|清理|清运|修复|维修|更换|安装|拆除|协调|沟通|联系|走访|办理|解决|落实|回访|检测|巡查|排查|取缔|罚款|立案|下发|通知)/g;
// By whom: a unit name or "we" as a unit (我局 …).
const ACTOR = /我(?:局|委|办|院|厅|处|科|中心|镇|乡|街道|区|县|市|公司|所|队|大队|站|部门|单位)|(?<=^|[^\p{Script=Han}]|[到在向由对将和与及的了是经请从被给让为把])[\p{Script=Han}]{1,6}?(?:局|委员会|委|办公室|办事处|中心|街道|镇政府|乡政府|政府|社区|居委会|村委会|公司|大队|中队|支队|派出所|管理处|管理所|供电所|医院|物业)/gu;
// When: dates and times ("2019年4月16日下午", "4月17日", "当天").
const TIME = /\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[:：]\d{2}|当天|当日|次日|近日|目前|现已|上午|下午|\d+个?工作日内|\d+日内/g;
// What next: plans, deadlines, where to turn.
const NEXT = /下一步|后续|今后|接下来|将(?:会|于|在|继续|进一步|加强|尽快|督促|组织|安排)|拟|计划|预计|争取|力争|持续|继续|跟踪|限期|尽快|如有(?:疑问|问题|需要)|可(?:向|拨打|致电|联系|前往)|联系电话|咨询电话|请您|建议您/g;
// Cites a rule: a document in 《》, an article, a numbered document, or "according to … provisions".
const CITATION = /《[^》]{2,60}》|第[一二三四五六七八九十百零\d]+条|[[〔【(（]\d{4}[\]〕】)）]\d+号|\[[^\]]{2,10}\]\d+号|号文件|(?:根据|依据|按照|依照|遵照|参照)(?:《[^》]{2,60}》|[^，。；,]{1,24}?(?:规定|条例|办法|法|意见|通知|文件|政策|标准|要求|精神|细则|规范|规划))/g;
const BASIS_WORDS = /规定|条例|法律|法规|政策|标准|办法|规范/g;
// Gives a reason.
const REASON = /因为|由于|鉴于|原因是|原因为|主要原因|故|所以|因此|属于[^，。；]{1,20}(?:范畴|范围|职责|管辖)|不属于|不符合|不具备/g;
const REFUSAL = /不予|无法|不能|不属于|不符合|不具备|暂不|难以|不在[^，。；]{0,10}范围/;
const ACKNOWLEDGEMENT = /收悉|已收到|感谢您的(?:留言|来信|关注|支持)|您好|网友|尊敬的/g;

const uniq = (xs: Iterable<string>, max = 8): string[] => [...new Set(xs)].slice(0, max);
const matches = (re: RegExp, s: string): string[] => [...s.matchAll(re)].map((m) => m[0]);
const clamp = (x: number): number => Math.max(0, Math.min(100, Math.round(x)));

/** A reply's trailing signature date ("……支持。2019年4月18日") says when it was written, not when anything was done. */
function withoutSignatureDate(reply: string): string {
  return reply.replace(/[\s。.]*(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})[\s。.]*$/u, '');
}

/**
 * Score a reply against the request it answers, before the case is resolved:
 * - relevance: how much of the request's key terms (TF-IDF keywords) and its character bigrams the reply takes up;
 * - completeness: what was done, by whom, when, what next (25 each, by patterns);
 * - explainability: cites a rule (《…》, 第…条, 根据…规定) or gives a reason.
 * Never throws: empty or odd input gets zeros and flags.
 */
export function scoreReply(requestText: string, replyText: string): ReplyQuality {
  const request = normalizeText(requestText).text;
  const reply = normalizeText(replyText).text;
  const body = withoutSignatureDate(reply);
  const flags: ReplyFlag[] = [];
  const evidence: ReplyQuality['evidence'] = { sharedTerms: [], missingTerms: [], actions: [], actors: [], times: [], nextSteps: [], citations: [], reasons: [] };
  const elements = { action: false, actor: false, time: false, next: false };
  if (!/[\p{L}\p{N}]/u.test(reply)) {
    return { relevance: 0, completeness: 0, explainability: 0, overall: 0, flagged: true, flags: [REPLY_FLAGS.empty], elements, evidence };
  }

  // Relevance: weighted keyword coverage, with bigram containment for terms worded differently.
  let relevance = 0;
  if (request) {
    const terms = keywords(request, 12).filter((t) => t.word.length >= 2 && !/^[a-z]?\d+$/.test(t.word));
    const total = terms.reduce((s, t) => s + t.weight, 0);
    let covered = 0;
    for (const t of terms) {
      if (reply.includes(t.word)) {
        covered += t.weight;
        evidence.sharedTerms.push(t.word);
      } else evidence.missingTerms.push(t.word);
    }
    const coverage = total > 0 ? covered / total : 0;
    const req = new Set(bigramHashes(request));
    const rep = bigramHashes(reply);
    let inter = 0;
    for (const h of rep) if (req.has(h)) inter++;
    const containment = req.size ? inter / Math.min(req.size, Math.max(1, rep.length)) : 0;
    // Half the key terms taken up already reads as an answer to this request: sqrt rewards the first terms most.
    relevance = clamp(100 * (0.7 * Math.sqrt(coverage) + 0.3 * Math.sqrt(Math.min(1, containment * 2))));
  }

  evidence.actions = uniq(matches(ACTION, body));
  evidence.actors = uniq(matches(ACTOR, body).filter((a) => !/^(市民|群众|网友|业主|您)/.test(a)));
  evidence.times = uniq(matches(TIME, body));
  evidence.nextSteps = uniq(matches(NEXT, body));
  elements.action = evidence.actions.length > 0;
  elements.actor = evidence.actors.length > 0;
  elements.time = evidence.times.length > 0;
  elements.next = evidence.nextSteps.length > 0;
  const completeness = clamp(25 * Number(elements.action) + 25 * Number(elements.actor) + 25 * Number(elements.time) + 25 * Number(elements.next));

  evidence.citations = uniq(matches(CITATION, body));
  evidence.reasons = uniq(matches(REASON, body));
  const basisWords = matches(BASIS_WORDS, body).length;
  const explainability = clamp((evidence.citations.length ? 55 + 15 * Math.min(2, evidence.citations.length - 1) : 0) + (evidence.reasons.length ? 25 : 0) + Math.min(20, basisWords * 10));

  // Explainability weighs least: a street light fixed needs no regulation cited; a refusal does (flagged below).
  const overall = clamp(0.4 * relevance + 0.4 * completeness + 0.2 * explainability);

  const stripped = reply.replace(ACKNOWLEDGEMENT, '').replace(/[^\p{L}\p{N}]/gu, '');
  if ([...reply].length < REPLY_THRESHOLDS.minChars) flags.push(REPLY_FLAGS.tooShort);
  if (/收悉|已收到/.test(reply) && completeness <= 25 && stripped.length < 60) flags.push(REPLY_FLAGS.acknowledgementOnly);
  if (request && relevance < REPLY_THRESHOLDS.relevance) flags.push(REPLY_FLAGS.offTopic);
  if (completeness < REPLY_THRESHOLDS.completeness) flags.push(REPLY_FLAGS.incomplete);
  if (REFUSAL.test(body) && evidence.citations.length === 0 && evidence.reasons.filter((r) => !/不属于|不符合|不具备/.test(r)).length === 0 && basisWords === 0) flags.push(REPLY_FLAGS.refusalWithoutBasis);
  if (overall < REPLY_THRESHOLDS.overall) flags.push(REPLY_FLAGS.lowOverall);
  return { relevance, completeness, explainability, overall, flagged: flags.length > 0, flags, elements, evidence };
}

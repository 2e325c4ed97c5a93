/** Vocabulary of a case, shared by the service, the adapters, importers and the demo city. */

/** Where a case came in (受理渠道). */
export const CHANNELS = ['hotline', 'web', 'app', 'sms', 'email', 'open311', 'enterprise', 'sensor', 'grid'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_ZH: Record<Channel, string> = {
  hotline: '热线电话', web: '网站', app: '移动应用', sms: '短信', email: '电子邮件',
  open311: 'Open311', enterprise: '企业诉求', sensor: '感知告警', grid: '网格巡查',
};

/** What the requester wants (诉求类型). */
export const KINDS = ['consult', 'help', 'complaint', 'report', 'suggestion', 'praise'] as const;
export type Kind = (typeof KINDS)[number];
export const KIND_ZH: Record<Kind, string> = {
  consult: '咨询', help: '求助', complaint: '投诉', report: '举报', suggestion: '建议', praise: '表扬',
};

/** How fast it must be handled (紧急程度). */
export const URGENCIES = ['normal', 'urgent', 'critical'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const URGENCY_ZH: Record<Urgency, string> = { normal: '一般', urgent: '紧急', critical: '特急' };

/** Main state of a case. */
export const CASE_STATES = [
  'pending_dispatch', // 待派单: at a dispatch centre (city, district or street tier)
  'dispatched',       // 待签收: sent to a department, waiting for it to sign for
  'handling',         // 办理中: signed for by the main department
  'returned',         // 退单待审: the department returned it; the centre that sent it decides
  'resolved',         // 已办结: the department replied and resolved; waiting for callback
  'closed',           // 已关闭: callback done (or direct answer / not accepted)
  'merged',           // 已合并: a duplicate that follows its parent case
] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const CASE_STATE_ZH: Record<CaseState, string> = {
  pending_dispatch: '待派单', dispatched: '待签收', handling: '办理中', returned: '退单待审',
  resolved: '已办结', closed: '已关闭', merged: '已合并',
};

/** 5-level rating (好差评). */
export const RATINGS = [5, 4, 3, 2, 1] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_ZH: Record<Rating, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };

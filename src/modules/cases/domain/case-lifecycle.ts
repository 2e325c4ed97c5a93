import { AppError } from '../../../platform/errors/app-error.ts';
import type { CaseRecord } from './case-record.ts';
import { CASE_STATE_ZH, type CaseState } from './case-types.ts';

/**
 * The case state machine. Intake creates a case in `pending_dispatch` (or `closed` for a direct
 * answer / not accepted). Everything else is one of these actions:
 *
 *   pending_dispatch ─dispatch→ dispatched ─sign_for→ handling ─resolve→ resolved ─callback→ closed
 *        ↑  │dispatch to a lower-tier centre keeps it pending there            │ dissatisfied
 *        │  └─return (a centre sends it up a tier)                             ↓
 *        └──────────── returned ←─return── dispatched / handling      pending_dispatch (reopened)
 *                      │ arbitrate(reject) → back to the department; dispatch → another department
 *   any open state ─merge→ merged (follows its parent)
 */
export const CASE_ACTIONS = [
  'dispatch', 'sign_for', 'return', 'arbitrate', 'request_extension', 'decide_extension',
  'reply', 'resolve', 'callback', 'close', 'merge', 'chase', 'supervise',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const CASE_ACTION_ZH: Record<CaseAction | 'intake' | 'direct_answer' | 'not_accepted' | 'light' | 'reopen', string> = {
  intake: '受理', direct_answer: '直接答复', not_accepted: '不予受理', dispatch: '派单', sign_for: '签收', return: '退单',
  arbitrate: '退单审核', request_extension: '申请延期', decide_extension: '延期审批', reply: '答复', resolve: '办结',
  callback: '回访', close: '关闭', merge: '合并', chase: '催办', supervise: '督办', light: '时限预警', reopen: '重启',
};

const OPEN: CaseState[] = ['pending_dispatch', 'dispatched', 'handling', 'returned'];

const ALLOWED: Record<CaseAction, readonly CaseState[]> = {
  dispatch: ['pending_dispatch', 'returned'],
  sign_for: ['dispatched', 'handling'], // handling: an assisting department signs for its part
  return: ['pending_dispatch', 'dispatched', 'handling'], // pending: a lower-tier centre returns it up
  arbitrate: ['returned'],
  request_extension: ['handling'],
  decide_extension: ['handling'],
  reply: ['handling'],
  resolve: ['handling'],
  callback: ['resolved'],
  close: ['resolved', 'pending_dispatch', 'returned'],
  merge: OPEN,
  chase: ['dispatched', 'handling'],
  supervise: ['pending_dispatch', 'dispatched', 'handling', 'returned', 'resolved'],
};

/** Actions the state allows (before department / permission checks). */
export function allowedActions(state: CaseState): CaseAction[] {
  return CASE_ACTIONS.filter((a) => ALLOWED[a].includes(state));
}

/** Throw CASE_ILLEGAL_TRANSITION (409) naming the state and the allowed actions. */
export function assertAllowed(c: Pick<CaseRecord, 'state' | 'number'>, action: CaseAction): void {
  if (ALLOWED[action].includes(c.state)) return;
  const allowed = allowedActions(c.state);
  throw new AppError({
    code: 'CASE_ILLEGAL_TRANSITION',
    status: 409,
    zh: `工单 ${c.number} 当前状态为「${CASE_STATE_ZH[c.state]}」，不能${CASE_ACTION_ZH[action]}`,
    en: `Case ${c.number} is ${c.state}; '${action}' is not allowed (allowed: ${allowed.join(', ') || 'none'})`,
    details: { state: c.state, action, allowed },
  });
}

/** Open = still needs someone to act (not resolved, closed or merged). */
export function isOpen(state: CaseState): boolean {
  return OPEN.includes(state);
}

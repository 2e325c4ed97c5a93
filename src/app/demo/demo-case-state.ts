/**
 * Replays a scripted demo path to the main state it leaves the case in, rejecting steps the case
 * lifecycle does not allow. The generator's tests use it to prove every path is legal and every
 * state is represented; the demo loader can use it to check its own replay.
 */
import type { CaseState } from '../../modules/cases/domain/case-types.ts';
import type { DemoStep } from './demo-city.types.ts';

/** A step the lifecycle does not allow from the state the case is in. */
export class IllegalDemoStepError extends Error {
  constructor(
    readonly index: number,
    readonly action: string,
    readonly state: CaseState,
  ) {
    super(`step ${index} (${action}) is not allowed in state ${state}`);
    this.name = 'IllegalDemoStepError';
  }
}

/** The state a case ends in after `path`; `isCentre` tells dispatch centres (which re-dispatch) from departments. */
export function demoCaseState(path: readonly DemoStep[], isCentre: (departmentCode: string) => boolean): CaseState {
  let state: CaseState = 'pending_dispatch';
  let extensionRequested = false;
  const sentTo = (code: string | undefined): CaseState => (code !== undefined && isCentre(code) ? 'pending_dispatch' : 'dispatched');

  path.forEach((step, index) => {
    const illegal = (): never => {
      throw new IllegalDemoStepError(index, step.action, state);
    };
    switch (step.action) {
      case 'direct_answer':
        if (state !== 'pending_dispatch') illegal();
        state = 'closed';
        break;
      case 'dispatch_auto':
      case 'dispatch_to':
        if (state !== 'pending_dispatch' && state !== 'returned') illegal();
        state = sentTo(step.departmentCode);
        break;
      case 'merge_into':
        if ((state !== 'pending_dispatch' && state !== 'dispatched') || !step.parentRef) illegal();
        state = 'merged';
        break;
      case 'sign_for':
        if (state !== 'dispatched') illegal();
        state = 'handling';
        extensionRequested = false;
        break;
      case 'return':
        if (state !== 'dispatched' && state !== 'handling') illegal();
        state = 'returned';
        break;
      case 'request_extension':
        if (state !== 'handling' || extensionRequested) illegal();
        extensionRequested = true;
        break;
      case 'approve_extension':
        if (state !== 'handling' || !extensionRequested) illegal();
        extensionRequested = false;
        break;
      case 'supervise':
        if (state !== 'dispatched' && state !== 'handling') illegal();
        break;
      case 'reply':
        if (state !== 'handling') illegal();
        break;
      case 'resolve':
        if (state !== 'handling') illegal();
        state = 'resolved';
        break;
      case 'callback':
        if (state !== 'resolved') illegal();
        break;
      case 'redispatch':
        if (state !== 'resolved' && state !== 'returned') illegal();
        state = sentTo(step.departmentCode);
        break;
      case 'close':
        if (state !== 'resolved' && state !== 'returned' && state !== 'pending_dispatch') illegal();
        state = 'closed';
        break;
    }
  });
  return state;
}

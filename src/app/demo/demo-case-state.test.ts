import { describe, expect, it } from 'vitest';
import { demoCaseState, IllegalDemoStepError } from './demo-case-state.ts';
import type { DemoStep } from './demo-city.types.ts';

const isCentre = (code: string): boolean => code.endsWith('-centre');
let minute = 0;
const at = (): string => new Date(Date.UTC(2026, 10, 1, 0, minute++)).toISOString();
const s = (action: DemoStep['action'], extra: Partial<DemoStep> = {}): DemoStep => ({ at: at(), action, ...extra }) as DemoStep;

describe('demoCaseState', () => {
  it('leaves a case without steps pending dispatch', () => {
    expect(demoCaseState([], isCentre)).toBe('pending_dispatch');
  });

  it('closes a case answered directly', () => {
    expect(demoCaseState([s('direct_answer')], isCentre)).toBe('closed');
  });

  it('keeps a case sent to a district centre pending dispatch, and dispatched once it reaches a department', () => {
    const toCentre = s('dispatch_to', { departmentCode: '990102-centre' });
    expect(demoCaseState([toCentre], isCentre)).toBe('pending_dispatch');
    expect(demoCaseState([toCentre, s('dispatch_to', { departmentCode: '990102-housing' })], isCentre)).toBe('dispatched');
  });

  it('walks the full loop to closed, through handling, an extension, and resolved', () => {
    const path = [
      s('dispatch_auto', { departmentCode: '990100-housing' }),
      s('sign_for'),
      s('request_extension', { extraWorkdays: 5 }),
      s('approve_extension'),
      s('reply', { text: 'ok' }),
      s('resolve'),
    ];
    expect(demoCaseState(path.slice(0, 2), isCentre)).toBe('handling');
    expect(demoCaseState(path, isCentre)).toBe('resolved');
    expect(demoCaseState([...path, s('callback', { rating: 5 }), s('close')], isCentre)).toBe('closed');
  });

  it('returns a case, then dispatches it again after the centre decides', () => {
    const path = [s('dispatch_to', { departmentCode: '990100-housing' }), s('return', { text: 'not ours' })];
    expect(demoCaseState(path, isCentre)).toBe('returned');
    expect(demoCaseState([...path, s('redispatch', { departmentCode: '990100-market' })], isCentre)).toBe('dispatched');
  });

  it('sends a dissatisfied case back to handling after the callback', () => {
    const path = [
      s('dispatch_to', { departmentCode: 'x' }), s('sign_for'), s('reply'), s('resolve'),
      s('callback', { rating: 1 }), s('redispatch', { departmentCode: 'x' }), s('sign_for'),
    ];
    expect(demoCaseState(path, isCentre)).toBe('handling');
  });

  it('marks a duplicate merged into its parent', () => {
    expect(demoCaseState([s('merge_into', { parentRef: 'DEMO-1' })], isCentre)).toBe('merged');
  });

  it('rejects steps the lifecycle does not allow, naming the step', () => {
    expect(() => demoCaseState([s('sign_for')], isCentre)).toThrow(IllegalDemoStepError);
    expect(() => demoCaseState([s('direct_answer'), s('close')], isCentre)).toThrow(/step 1 \(close\)/);
    expect(() => demoCaseState([s('dispatch_to', { departmentCode: 'x' }), s('sign_for'), s('approve_extension')], isCentre)).toThrow(
      IllegalDemoStepError,
    );
    expect(() => demoCaseState([s('merge_into')], isCentre)).toThrow(IllegalDemoStepError);
  });
});

import { describe, expect, it } from 'vitest';
import { guessKind, guessUrgency } from './case-traits.guess.ts';

describe('guessKind', () => {
  it.each([
    ['举报A7县某工地夜间施工扰民', 'report'],
    ['致西地省第二人民医院医生的感谢信', 'praise'],
    ['咨询A市公积金提取流程？', 'consult'],
    ['建议连通A5区大唐路和丽白路', 'suggestion'],
    ['恳请解决残疾人养老保险', 'help'],
    ['A2区景蓉华苑物业管理有问题', 'complaint'],
    ['Illegal Parking', 'report'],
    ['Traffic Suggestions', 'suggestion'],
    ['Noise - Residential', 'complaint'],
  ] as const)('reads %j as %s', (subject, kind) => {
    expect(guessKind(subject)).toBe(kind);
  });
});

describe('guessUrgency', () => {
  it('marks explicit danger as urgent and leaves the rest normal', () => {
    expect(guessUrgency('小区燃气管道有泄漏危险')).toBe('urgent');
    expect(guessUrgency('Emergency Response Team (ERT)')).toBe('urgent');
    expect(guessUrgency('Non-Emergency Police Matter')).toBe('normal');
    expect(guessUrgency('路灯不亮')).toBe('normal');
  });
});

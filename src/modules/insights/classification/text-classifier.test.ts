import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { fitTemperature, TextClassifier, trainTextClassifier, type LabelledText } from './text-classifier.ts';

const rows = parse(readFileSync(fileURLToPath(new URL('../fixtures/labelled-messages.sample.csv', import.meta.url))), { bom: true, columns: true }) as Array<Record<string, string>>;
const samples: LabelledText[] = rows.map((r) => ({ title: r['主题']!, text: r['详情']!, label: r['分类']! }));
const model = trainTextClassifier(samples, { features: { bits: 16, charMin: 1, charMax: 3, words: true, wordBigrams: false, titleWeight: 2, foldDigits: true }, minDf: 1 }, new Map([['路灯', '路灯不亮']]));

describe('TextClassifier', () => {
  it('suggests the right class for new messages, with probabilities that rank and sum to at most 1', () => {
    const light = model.predict('', '我们村口的路灯不亮好几天了');
    expect(light.top[0]!.code).toBe('路灯');
    expect(light.top[0]!.name).toBe('路灯不亮');
    expect(light.top).toHaveLength(3);
    expect(light.top.reduce((s, t) => s + t.confidence, 0)).toBeLessThanOrEqual(1.000001);
    expect(light.top[0]!.confidence).toBeGreaterThan(light.top[1]!.confidence);
    expect(model.predict('讨薪', '包工头欠我们工资不给').top[0]!.code).toBe('工资');
    expect(model.predict(null, '楼上每天半夜蹦迪，吵得睡不着').top[0]!.code).toBe('噪音');
  });

  it('round-trips through its stored form with identical predictions', () => {
    const again = TextClassifier.load(JSON.parse(JSON.stringify(model.toStored())));
    const a = model.predict('路灯', '小区路灯坏了');
    const b = again.predict('路灯', '小区路灯坏了');
    expect(b.top).toEqual(a.top);
    expect(again.sizeBytes).toBe(model.sizeBytes);
  });

  it('refuses a stored model whose weights do not fit its labels', () => {
    const broken = { ...model.toStored(), labels: [...model.labels, { code: 'x', name: 'x' }] };
    expect(() => TextClassifier.load(broken)).toThrow(/expected/);
  });

  it('answers bad input with a clear empty result or a normal suggestion, never a crash', () => {
    expect(model.predict('', '').top).toEqual([]);
    expect(model.predict('', '').notes.empty).toBe(true);
    expect(model.predict(undefined, '😀😀😀').top).toEqual([]);
    expect(model.predict('', 'zzzz qqqq').top).toEqual([]);
    const huge = model.predict('', '拖欠工资'.repeat(10_000));
    expect(huge.notes.truncated).toBe(true);
    expect(huge.top[0]!.code).toBe('工资');
    const html = model.predict('', '<div><b>路灯</b>不亮&nbsp;</div><script>x()</script>');
    expect(html.notes.html).toBe(true);
    expect(html.top[0]!.code).toBe('路灯');
    const traditional = model.predict('', '社區路燈壞了，晚上不亮');
    expect(traditional.notes.traditional).toBeGreaterThan(0);
    expect(traditional.top[0]!.code).toBe('路灯');
    expect(model.predict('', 'street light 路灯 broken 🚨 灯不亮').top[0]!.code).toBe('路灯');
  });

  it('needs at least two classes', () => {
    expect(() => trainTextClassifier([{ text: 'a', label: 'x' }, { text: 'b', label: 'x' }])).toThrow(/two classes/);
  });
});

describe('fitTemperature', () => {
  it('cools over-confident scores and sharpens timid ones', () => {
    // Scores that always put 5 nats on the winner but are right only 60% of the time want T > 1.
    const scores = Array.from({ length: 100 }, () => Float64Array.from([5, 0]));
    const truth = Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : 1));
    expect(fitTemperature(scores, truth)).toBeGreaterThan(3);
    // Scores of 0.5 that are always right want T < 1.
    const timid = Array.from({ length: 50 }, () => Float64Array.from([0.5, 0]));
    expect(fitTemperature(timid, new Array(50).fill(0))).toBeLessThan(0.2);
  });
});

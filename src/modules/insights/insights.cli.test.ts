import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { registerInsightsCommands } from './insights.cli.ts';
import { readCsvRows } from './insights.csv.ts';

const SAMPLE = fileURLToPath(new URL('./fixtures/labelled-messages.sample.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'insights-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const program = new Command('cityloop').exitOverride();
  const noApp = async () => {
    throw new Error('this command must not open the app');
  };
  registerInsightsCommands(program, noApp, { out: { write: (t: string) => (out += t) }, err: { write: (t: string) => (err += t) } });
  await program.parseAsync(['node', 'cityloop', 'insights', ...args]);
  return { out, err };
}

describe('cityloop insights (CSV commands)', () => {
  it('trains from a labelled CSV into a model file and classifies another file with it', async () => {
    const model = join(dir, 'model.json');
    const trained = await run(['train', '--csv', SAMPLE, '--text', '主题,详情', '--label', '分类', '--model', model, '--bits', '16']);
    expect(trained.out).toMatch(/trained svm\+nbsvm on 42 messages, 3 classes/);
    expect(JSON.parse(readFileSync(model, 'utf8')).format).toBe('cityloop-text-classifier/1');

    const input = join(dir, 'new.csv');
    writeFileSync(input, '\uFEFFid,text,note\r\n1,"楼下KTV半夜\n还在唱歌，吵得睡不着",a\r\n2,包工头拖欠工资三个月,b\r\n3,,empty\r\n');
    const output = join(dir, 'out.csv');
    const classified = await run(['classify', '--csv', input, '--text', 'text', '--model', model, '--out', output]);
    expect(classified.out).toMatch(/classified 3 rows \(1 without readable text/);
    const rows = parse(readFileSync(output), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual(['id', 'text', 'note', 'predicted', 'confidence']);
    expect(rows.map((r) => r.predicted)).toEqual(['噪音', '工资', '']);
    expect(rows[0]!.text).toBe('楼下KTV半夜\n还在唱歌，吵得睡不着');
    expect(Number(rows[1]!.confidence)).toBeGreaterThan(0.34);
  });

  it('classifies odd rows (emoji, markup, huge, traditional, mixed scripts) with a clear result instead of failing', async () => {
    const model = join(dir, 'model-odd.json');
    await run(['train', '--csv', SAMPLE, '--text', '主题,详情', '--label', '分类', '--model', model, '--bits', '16']);
    const input = join(dir, 'odd.csv');
    const rows = ['😀👍🏽❤️', '<p><script>x()</script></p>', `包工头拖欠工资${'啊'.repeat(300_000)}`, '包工頭拖欠工資三個月', 'Boss не платит 拖欠工资 الراتب', '<b>路灯</b>&nbsp;不亮😡', '\u200b \u3000'];
    writeFileSync(input, `text\n${rows.map((r) => `"${r}"`).join('\n')}\n`);
    const output = join(dir, 'odd-out.csv');
    const r = await run(['classify', '--csv', input, '--text', 'text', '--model', model, '--out', output]);
    expect(r.out).toMatch(/classified 7 rows \(3 without readable text: empty prediction\)/);
    const out = parse(readFileSync(output), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(out.map((o) => o.predicted)).toEqual(['', '', '工资', '工资', '工资', '路灯', '']);
    expect(out[2]!.text).toHaveLength(300_007);
  });

  it('evaluates with k-fold cross-validation and prints the per-class table', async () => {
    const r = await run(['evaluate', '--csv', SAMPLE, '--text', '主题,详情', '--label', '分类', '--folds', '3', '--bits', '16']);
    expect(r.out).toMatch(/3-fold cross-validation on 42 messages, 3 classes/);
    expect(r.out).toMatch(/macro-F1 [01]\.\d{4}/);
    expect(r.out).toMatch(/µs per message/);
    for (const label of ['路灯', '噪音', '工资']) expect(r.out).toMatch(new RegExp(`^${label}\\s+14\\s`, 'm'));
  });

  it('scores the replies of a CSV and prints their distribution', async () => {
    const file = join(dir, 'replies.csv');
    writeFileSync(file, '主题,详情,答复意见\n路灯不亮,幸福路路灯不亮,已收悉\n路灯不亮,幸福路路灯不亮,"您反映的幸福路路灯不亮问题，市城管局于12月3日派人到现场修复了路灯，后续将加强巡查。"\n');
    const out = join(dir, 'scored.csv');
    const r = await run(['score-replies', '--csv', file, '--request', '主题,详情', '--reply', '答复意见', '--out', out]);
    expect(r.out).toMatch(/^2 replies, 1 flagged for review/);
    const rows = parse(readFileSync(out), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows[0]!.flags).toMatch(/ACKNOWLEDGEMENT_ONLY/);
    expect(rows[1]!.flags).toBe('');
  });

  it('names the missing column and refuses a broken model file', async () => {
    await expect(run(['evaluate', '--csv', SAMPLE, '--text', '正文', '--label', '分类'])).rejects.toMatchObject({ code: 'INSIGHTS_CSV_MISSING_COLUMN', field: '正文' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format":"something else"}');
    await expect(run(['classify', '--csv', SAMPLE, '--text', '详情', '--model', bad, '--out', join(dir, 'x.csv')])).rejects.toMatchObject({ code: 'INSIGHTS_BAD_MODEL_FILE' });
    await expect(run(['train', '--csv', SAMPLE, '--text', '详情'])).rejects.toMatchObject({ code: 'INSIGHTS_BAD_OPTION' });
    await expect(run(['evaluate', '--csv', SAMPLE, '--text', '详情', '--label', '分类', '--method', 'bert'])).rejects.toMatchObject({ code: 'INSIGHTS_BAD_OPTION', field: 'method' });
  });
});

describe('readCsvRows', () => {
  it('reads a BOM, quoted multi-line fields, and reports rows with the wrong number of columns', async () => {
    const file = join(dir, 'odd.csv');
    writeFileSync(file, '\uFEFFa,b\r\n1,"two\r\nlines, with comma"\r\n2,x,extra\r\n3,"say ""hi"""\r\n');
    const broken: number[] = [];
    const rows = [];
    for await (const r of readCsvRows(file, (row) => broken.push(row))) rows.push(r.fields);
    expect(rows).toEqual([{ a: '1', b: 'two\r\nlines, with comma' }, { a: '3', b: 'say "hi"' }]);
    expect(broken).toEqual([2]);
  });
});

/**
 * Scripted cases of the demo city: ~3,000 cases over the 90 days before `now`, each with the steps
 * that happened to it. Each case gets a whole planned life (dispatch, sign for, reply, callback…)
 * and the plan is cut at `now`, so recent cases are naturally still open and old ones closed; a
 * few planned detours (returns, extensions, late handling, dissatisfied callbacks, duplicates)
 * make every state and every KPI show up.
 */
import type { Channel, Kind, Urgency } from '../../modules/cases/domain/case-types.ts';
import { DEMO_CITY_AREA_CODE, pointInside, type DemoPlaces, type PlaceNode } from './demo-areas.generator.ts';
import {
  CASE_VARIANTS,
  EXTENSION_REASONS,
  REPLY_TEXTS,
  RETURN_REASONS,
  SENSOR_TEXTS,
  type CaseSource,
  type CaseVariant,
} from './demo-case-templates.ts';
import type { DemoCaseScript, DemoDepartment, DemoRule, DemoStaff, DemoStep } from './demo-city.types.ts';
import { departmentCode, mobilePhone, personName, resolveDemoRule, surname } from './demo-organization.generator.ts';
import type { SeededRandom } from './seeded-random.ts';

/** What the case generator needs from the rest of the city. */
export interface CaseGeneratorInput {
  places: DemoPlaces;
  departments: DemoDepartment[];
  staff: DemoStaff[];
  rules: DemoRule[];
  now: Date;
  rng: SeededRandom;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// Asia/Shanghai has had no daylight saving since 1991, so a fixed offset is exact.
const ZONE_OFFSET = 8 * HOUR;

/** Number of days of history the demo covers. */
export const DEMO_HISTORY_DAYS = 90;
const BASE_CASES = 3000;

const CHANNEL_WEIGHTS: readonly (readonly [Channel, number])[] = [
  ['hotline', 54], ['web', 8], ['app', 12], ['sms', 3], ['email', 2], ['open311', 3], ['enterprise', 3], ['sensor', 6], ['grid', 9],
];

// Local hour-of-day weights: quiet at night, peaks mid-morning and mid-afternoon.
const HOUR_WEIGHTS = [0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.5, 1.2, 2.2, 3, 3, 2.6, 1.8, 2.2, 2.8, 2.8, 2.6, 2.2, 1.6, 1.6, 1.5, 1.3, 0.9, 0.5];

const RATING_WEIGHTS: readonly (readonly [1 | 2 | 3 | 4 | 5, number])[] = [[5, 50], [4, 28], [3, 10], [2, 7], [1, 5]];

// Time limits in calendar hours, roughly the working-day limits of domain.md stretched over weekends.
const LIMIT_HOURS: Record<Kind, number> = { consult: 4 * 24, help: 7 * 24, complaint: 10 * 24, report: 10 * 24, suggestion: 10 * 24, praise: 7 * 24 };

const OPENERS: Record<Channel, readonly string[]> = {
  hotline: ['来电人反映：', '市民来电称，', '来电人称，', ''],
  web: ['网友留言：', ''],
  app: [''],
  sms: ['市民短信反映：'],
  email: ['市民来信反映：'],
  open311: [''],
  enterprise: ['企业反映：', ''],
  grid: ['网格员巡查发现：'],
  sensor: [''],
};

const SPEAKER: Record<Channel, string> = {
  hotline: '来电人', web: '网友', app: '网友', sms: '市民', email: '市民', open311: '网友', enterprise: '企业', grid: '网格员', sensor: '',
};

const CLOSINGS: Record<Kind, readonly string[]> = {
  complaint: ['请相关部门尽快处理。', '希望尽快解决。', '要求相关部门查处并答复。'],
  report: ['请相关部门查处。', '请尽快处理。'],
  help: ['请尽快派人处理。', '望尽快解决。'],
  consult: ['请予以解答。', '望答复。'],
  suggestion: ['望采纳。', '请相关部门研究。'],
  praise: ['特此表扬。'],
};

const SHOPS_A = ['老王', '阿强', '福记', '香满园', '蜀香', '湘里人家', '东北', '小李', '好运来', '聚福'];
const SHOPS_B = ['烧烤店', '面馆', '饭店', '小吃店', '火锅店', '大排档', '麻辣烫', '酒吧', '奶茶店'];
const COMPANY_A = ['恒达', '华远', '鑫盛', '宏图', '瑞丰', '佳诚', '远航', '金穗', '新泰', '汇通'];
const COMPANY_B = ['建筑工程', '科技', '物流', '服装', '餐饮管理', '电子', '贸易', '装饰工程'];
const SCENICS = ['云港湾湿地公园', '青岚山风景区', '望潮古镇'];
const GYMS = ['健身房', '美容美发店', '游泳馆', '儿童游乐馆'];
const VACCINES = ['HPV疫苗', '流感疫苗', '水痘疫苗', '带状疱疹疫苗'];

type Ctx = Record<string, string>;

// Omit distributed over the step union, so each action keeps its own optional fields.
type StepBody<S = DemoStep> = S extends DemoStep ? Omit<S, 'at'> : never;

interface Generated {
  script: DemoCaseScript;
  variant: CaseVariant;
  ctx: Ctx;
  grid: PlaceNode | null;
  receivedMs: number;
  closedMs: number | null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function localDayStart(ms: number): number {
  return Math.floor((ms + ZONE_OFFSET) / DAY) * DAY - ZONE_OFFSET;
}

function localYmd(ms: number): string {
  return new Date(ms + ZONE_OFFSET).toISOString().slice(0, 10).replaceAll('-', '');
}

function fill(template: string, ctx: Ctx): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => ctx[key] ?? '');
}

/** Builds the case scripts, sorted by receipt time. */
export function generateDemoCases(input: CaseGeneratorInput): DemoCaseScript[] {
  const { places, departments, staff, rules, rng } = input;
  const nowMs = input.now.getTime();
  const deptByCode = new Map(departments.map((d) => [d.code, d]));
  const gridWorker = new Map<string, DemoStaff>();
  for (const s of staff) for (const g of s.gridCodes ?? []) gridWorker.set(g, s);
  const gridsByCommunity = new Map<string, PlaceNode[]>();
  for (const g of places.grids) {
    const list = gridsByCommunity.get(g.area.parentCode ?? '') ?? [];
    list.push(g);
    gridsByCommunity.set(g.area.parentCode ?? '', list);
  }

  // Working hours for departments (and for centres on non-urgent cases): 08:00–18:30 local.
  const workTime = (ms: number): number => {
    const start = localDayStart(ms);
    const hour = (ms - start) / HOUR;
    if (hour < 8) return start + 8 * HOUR + rng.int(0, 90) * MIN;
    if (hour >= 18.5) return start + DAY + 8 * HOUR + rng.int(0, 90) * MIN;
    return ms;
  };

  const receiveTimes = sampleReceiveTimes(nowMs, rng);
  const out: Generated[] = [];
  const bursts = planBursts(places, nowMs, rng);

  const makeCtx = (grid: PlaceNode | null): Ctx => {
    const community = grid ? places.byCode.get(grid.area.parentCode ?? '') : rng.pick(places.communities);
    const street = places.byCode.get(community?.area.parentCode ?? '') ?? rng.pick(places.streets);
    const district = places.byCode.get(street.area.parentCode ?? '') ?? rng.pick(places.districts);
    const roads = rng.shuffle(street.roads);
    const road = roads[0] ?? '人民路';
    const road2 = roads[1] ?? '解放路';
    const streetWord = street.area.name.replace(/街道$/, '');
    const crossing = rng.chance(0.25);
    const num = String(rng.int(1, 688));
    return {
      district: district.area.name,
      street: street.area.name,
      community: community?.area.name ?? '',
      estate: rng.pick(community?.estates ?? ['阳光花园']),
      bldg: String(rng.int(1, 32)),
      road,
      road2,
      num,
      crossing: crossing ? '1' : '',
      place: crossing ? `${road}与${road2}交叉口` : `${road}${num}号附近`,
      shop: rng.pick(SHOPS_A) + rng.pick(SHOPS_B),
      company: `云港${rng.pick(COMPANY_A)}${rng.pick(COMPANY_B)}有限公司`,
      school: `云港市${streetWord}${rng.pick(['小学', '中学', '实验学校', '第二小学'])}`,
      hospital: rng.pick(['云港市第一人民医院', '云港市中医院', `${district.area.name}人民医院`, `${streetWord}社区卫生服务中心`]),
      route: `${rng.int(1, 399)}路`,
      amount: String(rng.int(30, 600) * 100),
      months: String(rng.int(2, 6)),
      n: String(rng.int(5, 30)),
      scenic: rng.pick(SCENICS),
      gym: rng.pick(GYMS),
      vaccine: rng.pick(VACCINES),
    };
  };

  const addressOf = (variant: CaseVariant, ctx: Ctx, titleTpl: string, bodyTpl: string): string => {
    const prefix = `云港市${ctx.district}${ctx.street}`;
    if ((titleTpl + bodyTpl).includes('{estate}') || variant.category.startsWith('01.01')) return `${prefix}${ctx.estate}${ctx.bldg}幢`;
    if (ctx.crossing) return `${prefix}${ctx.road}与${ctx.road2}交叉口`;
    return `${prefix}${ctx.road}${ctx.num}号`;
  };

  const pickGrid = (): PlaceNode => {
    const community = rng.pick(places.communities);
    return rng.pick(gridsByCommunity.get(community.area.code) ?? places.grids);
  };

  const requesterFor = (channel: Channel, grid: PlaceNode | null): DemoCaseScript['requester'] => {
    if (channel === 'sensor') return { anonymous: true };
    if (channel === 'grid') {
      const worker = grid ? gridWorker.get(grid.area.code) : undefined;
      return worker ? { name: worker.name, phone: worker.phone, anonymous: false } : { anonymous: false };
    }
    if (channel !== 'enterprise' && rng.chance(0.08)) return { anonymous: true };
    const r: DemoCaseScript['requester'] = { anonymous: false };
    const style = rng.next();
    if (channel === 'enterprise') r.name = `${surname(rng)}经理`;
    else if (style < 0.45) r.name = `${surname(rng)}${rng.chance(0.5) ? '先生' : '女士'}`;
    else if (style < 0.8) r.name = personName(rng);
    const hasPhone = channel === 'hotline' || channel === 'sms' || channel === 'enterprise' || rng.chance(0.8);
    if (hasPhone) r.phone = mobilePhone(rng);
    return r;
  };

  const buildText = (channel: Channel, kind: Kind, body: string): string => {
    if (channel === 'sensor') return body;
    let text = channel === 'hotline' ? body : body.replaceAll('来电人', SPEAKER[channel]);
    const speaksFirst = /^(来电人|网友|市民|企业|网格员|云港)/.test(text);
    if (!speaksFirst) text = rng.pick(OPENERS[channel]) + text;
    if (rng.chance(0.6)) text += rng.pick(CLOSINGS[kind]);
    return text;
  };

  const variantsBySource = new Map<CaseSource, CaseVariant[]>();
  for (const v of CASE_VARIANTS) {
    for (const s of v.sources) variantsBySource.set(s, [...(variantsBySource.get(s) ?? []), v]);
  }
  const chooseVariant = (channel: Channel): CaseVariant => {
    const source: CaseSource = channel === 'grid' || channel === 'sensor' || channel === 'enterprise' ? channel : 'citizen';
    let pool = variantsBySource.get(source) ?? [];
    if (channel === 'open311') pool = pool.filter((v) => v.located && (v.category.startsWith('11') || v.category.startsWith('12')));
    // Hotlines take far more questions than the other channels: weight consultations up there.
    return rng.weighted(pool.map((v) => [v, v.weight * (channel === 'hotline' && v.kind === 'consult' ? 2.5 : 1)] as const));
  };

  const newCase = (receivedMs: number, forced?: { variant: CaseVariant; ctx: Ctx; grid: PlaceNode | null; channel: Channel }): Generated => {
    const channel = forced?.channel ?? rng.weighted(CHANNEL_WEIGHTS);
    const variant = forced?.variant ?? chooseVariant(channel);
    const located = variant.located || channel === 'grid' || channel === 'sensor' || channel === 'open311';
    const grid = forced ? forced.grid : located ? pickGrid() : null;
    const ctx = forced?.ctx ?? makeCtx(grid);
    const kind: Kind = channel === 'grid' || channel === 'sensor' ? 'report' : variant.kind;
    const urgency: Urgency = variant.urgency ? rng.weighted(variant.urgency) : 'normal';
    const [titleTpl, bodyTpl] = rng.pick(variant.texts);
    const sensorText = channel === 'sensor' ? SENSOR_TEXTS[variant.category] : undefined;
    const title = fill(sensorText?.title ?? titleTpl, ctx);
    const text = buildText(channel, kind, fill(sensorText?.body ?? bodyTpl, ctx));
    const address = addressOf(variant, ctx, titleTpl, bodyTpl);
    const location = grid ? { ...pointInside(grid.rect, rng), address } : null;
    const script: DemoCaseScript = {
      ref: '',
      channel,
      kind,
      urgency,
      categoryCode: variant.category,
      title,
      text,
      requester: requesterFor(channel, grid),
      location,
      receivedAt: iso(receivedMs),
      path: [],
    };
    return { script, variant, ctx, grid, receivedMs, closedMs: null };
  };

  const plan = (g: Generated): DemoStep[] => {
    const { script } = g;
    const steps: DemoStep[] = [];
    let last = g.receivedMs;
    const push = (ms: number, step: StepBody): number => {
      const at = Math.max(Math.round(ms / 1000) * 1000, last + MIN);
      steps.push({ ...step, at: iso(at) });
      last = at;
      return at;
    };
    const fast = script.urgency !== 'normal';
    const dept = (t: number): number => (fast ? t : workTime(t));

    if (script.kind === 'consult' && script.channel !== 'enterprise' && rng.chance(script.channel === 'hotline' ? 0.5 : 0.3)) {
      push(g.receivedMs + rng.int(2, 20) * MIN, { action: 'direct_answer' });
      return steps;
    }

    const areaCode = g.grid?.area.code ?? DEMO_CITY_AREA_CODE;
    const rule = resolveDemoRule(rules, places.areaByCode, script.categoryCode, areaCode);
    let handler = rule?.departmentCode ?? departmentCode(DEMO_CITY_AREA_CODE, 'centre');
    const auto = script.channel === 'sensor' || script.channel === 'grid' || script.channel === 'open311' || script.channel === 'app';
    const critical = script.urgency === 'critical';
    // A few cases wait at the centre for a day or more (unclear address, checking the matter) before dispatch.
    // The last week carries more open detours than the average day, so every queue of the demo has rows.
    const detour = nowMs - g.receivedMs < 7 * DAY ? 3 : 1;
    const centreDelay = !critical && rng.chance(0.04 * detour) ? rng.int(20, 72) * HOUR : rng.int(10, 150) * MIN;
    let t = critical ? g.receivedMs + rng.int(2, 10) * MIN : dept(g.receivedMs + centreDelay);
    const streetCode = g.grid ? places.byCode.get(g.grid.area.parentCode ?? '')?.area.parentCode : undefined;
    const districtCode = streetCode ? places.byCode.get(streetCode)?.area.parentCode : undefined;
    if (!critical && districtCode && deptByCode.get(handler)?.tier !== 'city' && rng.chance(0.15)) {
      // Routed down through the district sub-centre, which forwards it a few hours later.
      push(t, { action: 'dispatch_to', departmentCode: departmentCode(districtCode, 'centre') });
      t = push(dept(t + rng.int(30, 360) * MIN), { action: 'dispatch_to', departmentCode: handler });
    } else {
      t = push(t, { action: auto ? 'dispatch_auto' : 'dispatch_to', departmentCode: handler });
    }

    const slug = handler.slice(handler.indexOf('-') + 1);
    const alternatives = [...(rule?.assistingDepartmentCodes ?? []), departmentCode(DEMO_CITY_AREA_CODE, slug)];
    if (streetCode) alternatives.push(departmentCode(streetCode, 'office'));
    if (districtCode) alternatives.push(departmentCode(districtCode, slug));
    const others = alternatives.filter((c) => c !== handler && deptByCode.get(c)?.kind !== 'centre' && deptByCode.has(c));
    if (!critical && others.length > 0 && rng.chance(0.07 * detour)) {
      t = push(dept(t + rng.int(20, 20 * 60) * MIN), { action: 'return', text: rng.pick(RETURN_REASONS) });
      handler = rng.pick(others);
      const arbitration = rng.chance(0.7) ? rng.int(30, 8 * 60) * MIN : rng.int(20, 72) * HOUR;
      t = push(workTime(t + arbitration), { action: 'redispatch', departmentCode: handler, text: '经审核，改派相关单位办理。' });
    }

    const signDelay = critical
      ? rng.int(5, 30) * MIN
      : fast
        ? rng.int(10, 120) * MIN
        : rng.chance(0.06)
          ? rng.int(26, 60) * HOUR
          : rng.int(20, 8 * 60) * MIN;
    const signed = push(dept(t + signDelay), { action: 'sign_for' });

    const limit = critical ? 12 * HOUR : fast ? 2 * DAY : LIMIT_HOURS[script.kind] * HOUR;
    const profile = rng.weighted([['on_time', 78], ['near_limit', 10], ['late', 9], ['stuck', 3]] as const);
    let replyAt: number;
    if (profile === 'on_time') replyAt = signed + limit * rng.float(0.1, 0.85);
    else if (profile === 'near_limit') replyAt = signed + limit * rng.float(0.88, 1.0);
    else if (profile === 'late') replyAt = signed + limit * rng.float(1.15, 2.5);
    else replyAt = signed + limit * rng.float(4, 8);

    if (!critical && (profile === 'on_time' || profile === 'near_limit') && rng.chance(0.07 * detour)) {
      const extra = rng.int(3, 10);
      const asked = push(dept(signed + limit * rng.float(0.5, 0.8)), {
        action: 'request_extension',
        text: rng.pick(EXTENSION_REASONS),
        extraWorkdays: extra,
      });
      const approved = push(workTime(asked + rng.int(1, 20) * HOUR), { action: 'approve_extension', text: '同意延期。' });
      replyAt = Math.max(replyAt, approved + extra * DAY * rng.float(0.4, 1.2));
    }
    if (profile === 'late' || profile === 'stuck') {
      push(signed + limit + rng.int(12, 30) * HOUR, { action: 'supervise', text: '该工单已超期，请加快办理并及时反馈。' });
      if (profile === 'stuck') push(signed + limit + rng.int(5, 8) * DAY, { action: 'supervise', text: '二次督办：请于两个工作日内办结。' });
    }

    const replies = repliesFor(script.categoryCode);
    push(dept(replyAt), { action: 'reply', text: rng.pick(replies) });
    const resolved = push(last + rng.int(5, 180) * MIN, { action: 'resolve' });

    const contactable = !script.requester.anonymous && !!script.requester.phone && script.channel !== 'grid' && script.channel !== 'sensor';
    if (!contactable) {
      const why = script.channel === 'grid' ? '网格员现场核查通过，结案。' : script.channel === 'sensor'
            ? '设备读数恢复正常，结案。'
            : script.requester.anonymous
              ? '匿名诉求，无法回访，办结归档。'
              : '诉求人未留联系方式，无法回访，办结归档。';
      push(workTime(resolved + rng.int(2, 24) * HOUR), { action: 'close', text: why });
      return steps;
    }
    const callbackText = (rating: number): string =>
      rating >= 4 ? '回访来电人，对处理结果表示满意。' : rating === 3 ? '回访来电人，表示基本满意。' : '回访来电人，表示问题未解决，不满意。';
    const rating = rng.weighted(RATING_WEIGHTS);
    const calledBack = push(workTime(resolved + rng.int(4, 40) * HOUR), { action: 'callback', rating, text: callbackText(rating) });
    if (rating <= 2 && rng.chance(0.6)) {
      const again = push(calledBack + rng.int(1, 4) * HOUR, { action: 'redispatch', departmentCode: handler, text: '回访不满意，退回重办。' });
      const reSigned = push(dept(again + rng.int(20, 8 * 60) * MIN), { action: 'sign_for' });
      push(dept(reSigned + rng.int(1, 5) * DAY), { action: 'reply', text: rng.pick(replies) });
      const reResolved = push(last + rng.int(5, 120) * MIN, { action: 'resolve' });
      const second = rng.weighted([[3, 3], [4, 4], [5, 3]] as const);
      push(workTime(reResolved + rng.int(4, 40) * HOUR), { action: 'callback', rating: second, text: callbackText(second) });
    }
    push(last + rng.int(5, 60) * MIN, { action: 'close' });
    return steps;
  };

  const finish = (g: Generated, steps: DemoStep[]): void => {
    g.script.ref = refFor(g.receivedMs, out);
    g.script.path = steps.filter((s) => Date.parse(s.at) < nowMs);
    const close = g.script.path.find((s) => s.action === 'close' || s.action === 'direct_answer');
    g.closedMs = close ? Date.parse(close.at) : null;
    out.push(g);
  };

  // A duplicate copies an open case's matter and place, and is merged into it.
  const tryDuplicate = (receivedMs: number, parent: Generated | undefined): boolean => {
    if (!parent) return false;
    const mergeAt = receivedMs + rng.int(10, 120) * MIN;
    if (mergeAt >= nowMs || (parent.closedMs !== null && parent.closedMs <= mergeAt)) return false;
    const channel = rng.pick(['hotline', 'hotline', 'app', 'web'] as const);
    const g = newCase(receivedMs, { variant: parent.variant, ctx: parent.ctx, grid: parent.grid, channel });
    finish(g, [{ at: iso(mergeAt), action: 'merge_into', parentRef: parent.script.ref }]);
    return true;
  };

  const events: { at: number; burst?: BurstCase }[] = receiveTimes.map((at) => ({ at }));
  for (const b of bursts) events.push({ at: b.at, burst: b });
  events.sort((a, b) => a.at - b.at);

  for (const { at, burst } of events) {
    if (burst) {
      const { seed } = burst;
      if (seed.parent && rng.chance(0.7) && tryDuplicate(at, seed.parent)) continue;
      seed.ctx ??= makeCtx(seed.grid);
      const g = newCase(at, { variant: seed.variant, ctx: seed.ctx, grid: seed.grid, channel: rng.pick(['hotline', 'hotline', 'app'] as const) });
      finish(g, plan(g));
      seed.parent ??= g;
      continue;
    }
    if (rng.chance(0.035)) {
      const candidates: Generated[] = [];
      for (let i = out.length - 1; i >= 0; i--) {
        const c = out[i] as Generated;
        if (at - c.receivedMs > 2 * DAY) break;
        if (c.variant.duplicable && c.grid && c.script.path[0]?.action !== 'merge_into') candidates.push(c);
      }
      if (candidates.length && tryDuplicate(at, rng.pick(candidates))) continue;
    }
    const g = newCase(at);
    finish(g, plan(g));
  }
  return out.map((g) => g.script);
}

function repliesFor(categoryCode: string): readonly string[] {
  for (let code = categoryCode; code; code = code.slice(0, Math.max(0, code.lastIndexOf('.')))) {
    const texts = REPLY_TEXTS[code];
    if (texts) return texts;
  }
  return ['已处理完毕。'];
}

// Reference like DEMO-20261130-0042: receipt day in the city's zone plus a sequence within that day.
function refFor(receivedMs: number, earlier: readonly Generated[]): string {
  const day = localYmd(receivedMs);
  let n = 1;
  for (let i = earlier.length - 1; i >= 0; i--) {
    const e = earlier[i] as Generated;
    if (localYmd(e.receivedMs) !== day) break;
    n++;
  }
  return `DEMO-${day}-${String(n).padStart(4, '0')}`;
}

function sampleReceiveTimes(nowMs: number, rng: SeededRandom): number[] {
  const today = localDayStart(nowMs);
  const days: (readonly [number, number])[] = [];
  for (let d = 0; d < DEMO_HISTORY_DAYS; d++) {
    const weekday = new Date(today - d * DAY + ZONE_OFFSET).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 0.72 : 1;
    // A gentle upward trend so the dashboards have something to show.
    days.push([d, weekend * (1 + 0.15 * (1 - d / DEMO_HISTORY_DAYS))]);
  }
  const hours = HOUR_WEIGHTS.map((w, h) => [h, w] as const);
  const out: number[] = [];
  const seen = new Set<number>();
  while (out.length < BASE_CASES) {
    const d = rng.weighted(days);
    const h = rng.weighted(hours);
    const ms = today - d * DAY + h * HOUR + rng.int(0, 3599) * 1000;
    if (ms >= nowMs - MIN || ms <= nowMs - DEMO_HISTORY_DAYS * DAY || seen.has(ms)) continue;
    seen.add(ms);
    out.push(ms);
  }
  return out;
}

interface BurstSeed {
  variant: CaseVariant;
  grid: PlaceNode;
  ctx?: Ctx;
  parent?: Generated;
}

interface BurstCase {
  at: number;
  seed: BurstSeed;
}

// Hot spots: many people reporting the same thing at the same place in a short time.
function planBursts(places: DemoPlaces, nowMs: number, rng: SeededRandom): BurstCase[] {
  const byCategory = (code: string): CaseVariant => {
    const v = CASE_VARIANTS.find((x) => x.category === code && x.sources.includes('citizen'));
    if (!v) throw new Error(`no variant for ${code}`);
    return v;
  };
  const specs: readonly (readonly [category: string, daysAgo: number, spreadHours: number, cases: number])[] = [
    ['11.04.02', 3, 5, 16],
    ['11.03.01', 12, 6 * 24, 18],
    ['12.01.01', 30, 48, 10],
    ['01.02.01', 55, 8, 12],
  ];
  const out: BurstCase[] = [];
  for (const [code, daysAgo, spread, count] of specs) {
    const seed: BurstSeed = { variant: byCategory(code), grid: rng.pick(places.grids) };
    const start = nowMs - daysAgo * DAY - rng.int(0, 12) * HOUR;
    for (let i = 0; i < count; i++) out.push({ at: Math.round((start + rng.float(0, spread) * HOUR) / 1000) * 1000, seed });
  }
  return out.filter((b) => b.at < nowMs - MIN);
}

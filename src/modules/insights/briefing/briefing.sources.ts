import type { HotIssuesService } from '../hot-issues/hot-issues.service.ts';
import type { WarningsService } from '../warnings/warnings.service.ts';
import type { BriefingSources, NamedCount } from './briefing.build.ts';

// Channel names as the cases module shows them (受理渠道); an unknown channel shows its key.
const CHANNEL_NAMES: Record<string, string> = {
  hotline: '热线电话', web: '网站', app: '移动应用', sms: '短信', email: '电子邮件', open311: 'Open311', enterprise: '企业诉求', sensor: '感知告警', grid: '网格巡查', '': '未知渠道',
};

/** What the composition root provides for the parts of the briefing insights does not keep itself. */
export interface BriefingWiring {
  /** CasesApi.kpis. */
  kpis: BriefingSources['kpis'];
  /** Open cases past due by main department (from the cases module). */
  overdueByDepartment: BriefingSources['overdueByDepartment'];
  /** Category name by code (the cases category tree). */
  categoryName(code: string): string | null;
  /** Area name by id (PlacesApi.getArea). */
  areaName(id: string): string | null;
}

/**
 * Briefing sources over insights' own data (intake counts and warnings kept from case events, hot
 * issues mined from case texts) plus the KPI and overdue figures of the cases module.
 */
export function briefingSources(w: BriefingWiring, warnings: Pick<WarningsService, 'volumes' | 'open'>, hotIssues: Pick<HotIssuesService, 'mine'>): BriefingSources {
  const named = (m: Map<string, number>, name: (k: string) => string): NamedCount[] => [...m].map(([key, count]) => ({ key, name: name(key), count }));
  return {
    kpis: (q) => w.kpis(q),
    overdueByDepartment: (at) => w.overdueByDepartment(at),
    async volumes(start, end) {
      const v = await warnings.volumes(start, end);
      return {
        total: v.total,
        byChannel: named(v.channel, (k) => CHANNEL_NAMES[k] ?? k),
        byCategory: named(v.category, (k) => w.categoryName(k) ?? k),
        byArea: named(v.district, (k) => (k === '' ? '未定位' : (w.areaName(k) ?? k))),
      };
    },
    async hotIssues(start, end, top) {
      const run = await hotIssues.mine({ from: start.toISOString(), to: end.toISOString(), top }, 'briefing');
      return run.issues.map((i) => ({ rank: i.rank, heat: i.heat, place: i.place, description: i.description, firstAt: i.firstAt, lastAt: i.lastAt, messageCount: i.messageCount, requesterCount: i.requesterCount }));
    },
    async openWarnings() {
      return (await warnings.open(50)).map((x) => ({ id: x.id, title: x.title, statusName: x.statusName, raisedAt: x.raisedAt, count: x.count, expected: x.expected }));
    },
  };
}

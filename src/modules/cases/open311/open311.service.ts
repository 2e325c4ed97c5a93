import { createHash } from 'node:crypto';
import type { Clock } from '../../../platform/clock/clock.ts';
import { AppError } from '../../../platform/errors/app-error.ts';
import type { OrganizationApi } from '../../organization/index.ts';
import type { Actor, IntakeInput } from '../cases.api.ts';
import type { CaseListFilter, CasesRepository } from '../cases.repository.ts';
import type { CasesService } from '../cases.service.ts';
import type { CaseRecord } from '../domain/case-record.ts';
import { CASE_STATE_ZH, KIND_ZH, KINDS, URGENCY_ZH, URGENCIES, type CaseState, type Kind, type Urgency } from '../domain/case-types.ts';
import type { Category } from '../domain/category-tree.ts';
import type { TimeLimit } from '../domain/time-limits.ts';
import { open311Errors, Open311Error } from './open311.errors.ts';
import { formatW3cDatetime } from './open311.format.ts';
import { OPEN311_MAX_RESULTS, resolveRequestsWindow, validateAttributes } from './open311.parse.ts';
import type {
  Open311Discovery,
  Open311PostInput,
  Open311PostResponse,
  Open311RequestsQuery,
  Open311Service as Open311ServiceEntry,
  Open311ServiceDefinition,
  Open311ServiceRequest,
  Open311Status,
  Open311TokenResponse,
} from './open311.types.ts';

/** The spec token discovery documents name this API by. */
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** When the shape of what this adapter serves last changed (discovery `changeset`). */
const CHANGESET = '2026-12-03T00:00:00+08:00';

// GeoReport v2 knows only open and closed: a resolved case waits only for the callback, a merged one
// follows another case, so for the citizen both are done.
const CLOSED_STATES: readonly CaseState[] = ['resolved', 'closed', 'merged'];
const OPEN_STATES: readonly CaseState[] = ['pending_dispatch', 'dispatched', 'handling', 'returned'];

const DEFAULT_KIND: Kind = 'complaint';
const DEFAULT_URGENCY: Urgency = 'normal';
const PAGE = 500;

/** An Open311 client allowed to POST, as stored (only the key's hash is kept). */
export interface Open311Client {
  name: string;
  demo: boolean;
}

type CaseFields = Omit<CaseRecord, 'requesterPhoneKey'>;

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hasHan = (text: string): boolean => /\p{Script=Han}/u.test(text);

const IMPORTED_ROOTS = new Set(['nyc311', 'open311', 'teddycup']);

/** Open311 GeoReport v2 on top of the case lifecycle: services are leaf categories, requests are cases. */
export class Open311Service {
  constructor(
    private readonly cases: CasesService,
    private readonly repo: CasesRepository,
    private readonly org: OrganizationApi,
    private readonly clock: Clock,
    private readonly zone: string,
    /** Who an api_key belongs to; the app passes identity's token check (scope open311.submit). Without it, keys registered here. */
    private readonly verifyKey?: (key: string) => Promise<Open311Client | null>,
  ) {}

  /** Allow a client to POST requests with this api_key; only its SHA-256 is stored. */
  async registerKey(key: string, name: string, demo: boolean): Promise<void> {
    if (key.trim() === '' || name.trim() === '') {
      throw new AppError({ code: 'OPEN311_BAD_KEY', status: 400, field: 'key', zh: 'api_key 与客户端名称不能为空', en: 'api_key and client name must not be empty' });
    }
    await this.repo.saveOpen311Key(sha256(key), name.trim(), demo, this.clock.now().toISOString());
  }

  /** The client an api_key belongs to, or null for a missing or unknown key. */
  async checkKey(key: string | undefined): Promise<Open311Client | null> {
    if (key === undefined || key === '') return null;
    if (this.verifyKey) return this.verifyKey(key);
    return this.repo.open311Key(sha256(key));
  }

  /** The service discovery document, with the endpoint under `baseUrl` (scheme://host[:port]). */
  discovery(baseUrl: string): Open311Discovery {
    return {
      changeset: CHANGESET,
      contact: '12345 政务服务便民热线：拨打 12345 或联系本市受理中心',
      key_service: '提交诉求需要 api_key，请向本市 12345 受理中心申请；查询无需 api_key',
      endpoints: [
        {
          specification: SPECIFICATION,
          url: `${baseUrl.replace(/\/+$/, '')}/open311/v2`,
          changeset: CHANGESET,
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ],
    };
  }

  /** GET services: every active leaf of the category tree, grouped by its first level. */
  services(): Open311ServiceEntry[] {
    return this.leafCategories().map((c) => {
      const path = this.cases.categories.path(c.code);
      const names = path.map((p) => p.name);
      return {
        service_code: c.code,
        service_name: c.name,
        description: names.join(' / '),
        metadata: true,
        type: 'realtime',
        keywords: [...names, ...(c.nameEn ? [c.nameEn] : [])].join(','),
        group: path[0]?.name ?? c.name,
      };
    });
  }

  /** GET services/[code]: the kind and urgency a request may set; 404 unless the code is a service. */
  definition(code: string): Open311ServiceDefinition {
    if (!this.isService(code)) throw open311Errors.notFound('service_code', code);
    return {
      service_code: code,
      attributes: [
        {
          variable: true,
          code: 'kind',
          datatype: 'singlevaluelist',
          required: false,
          datatype_description: `不填默认为“${KIND_ZH[DEFAULT_KIND]}”（${DEFAULT_KIND}）`,
          order: 1,
          description: '诉求类型',
          values: KINDS.map((k) => ({ key: k, name: KIND_ZH[k] })),
        },
        {
          variable: true,
          code: 'urgency',
          datatype: 'singlevaluelist',
          required: false,
          datatype_description: `不填默认为“${URGENCY_ZH[DEFAULT_URGENCY]}”（${DEFAULT_URGENCY}）；“特急”仅用于危及人身或公共安全的情况`,
          order: 2,
          description: '紧急程度',
          values: URGENCIES.map((u) => ({ key: u, name: URGENCY_ZH[u] })),
        },
      ],
    };
  }

  /**
   * POST requests: registers a case through the normal intake and answers with its case number.
   * The api_key is checked here too, so no caller can create a case without one.
   */
  async createRequest(input: Open311PostInput): Promise<Open311PostResponse[]> {
    const client = await this.checkKey(input.api_key);
    if (!client) throw open311Errors.invalidApiKey();
    const definition = this.definition(input.service_code);
    const [problem, ...more] = validateAttributes(definition, input.attributes);
    if (problem) throw new Open311Error([problem, ...more]);
    const kind = pick(input.attributes.kind, KINDS) ?? DEFAULT_KIND;
    const urgency = pick(input.attributes.urgency, URGENCIES) ?? DEFAULT_URGENCY;
    const category = this.cases.categories.get(input.service_code);
    const located = input.lat !== undefined && input.long !== undefined;

    const lines: string[] = [input.description ?? `${category?.name ?? input.service_code}${input.address_string ? `：${input.address_string}` : ''}`];
    // Intake keeps an address only beside coordinates; without them it would be lost, so it goes into the text.
    if (!located && input.address_string && input.description) lines.push(`地址：${input.address_string}`);
    if (!located && input.address_id) lines.push(`地址编号：${input.address_id}`);

    const name = requesterName(input.first_name, input.last_name);
    const phone = input.phone === undefined ? undefined : phoneDigits(input.phone);
    const intake: IntakeInput = {
      channel: 'open311',
      kind,
      urgency,
      categoryCode: input.service_code,
      text: lines.join('\n'),
      ...(name || phone ? { requester: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } } : {}),
      ...(located ? { location: { lng: input.long as number, lat: input.lat as number, ...(input.address_string ? { address: input.address_string } : {}) } } : {}),
      ...(input.media_url ? { attachments: [{ name: mediaName(input.media_url), url: input.media_url }] } : {}),
    };
    const actor: Actor = { id: `open311:${client.name}`, departmentId: null };
    const created = await this.cases.intake(intake, actor);
    return [{ service_request_id: created.number, service_notice: this.notice(created.number, kind, urgency), account_id: null }];
  }

  /** GET requests: newest first, at most 1000, within the spec's 90-day window unless ids are given. */
  async getRequests(query: Open311RequestsQuery): Promise<Open311ServiceRequest[]> {
    if (query.service_request_ids) {
      const found: Open311ServiceRequest[] = [];
      for (const id of query.service_request_ids.slice(0, OPEN311_MAX_RESULTS)) {
        const c = await this.findPublic(id);
        if (c) found.push(this.toRequest(c));
      }
      return found;
    }
    const window = resolveRequestsWindow(query, this.clock.now());
    const states = statesFor(query.statuses);
    const base: Omit<CaseListFilter, 'limit' | 'offset'> = {
      channel: 'open311',
      receivedFrom: window.from.toISOString(),
      // end_date is inclusive; the repository's upper bound is not.
      receivedTo: new Date(window.to.getTime() + 1).toISOString(),
      ...(states ? { states: [...states] } : {}),
    };
    let records: CaseRecord[];
    if (query.service_codes) {
      // Codes the tree does not know match nothing, which also bounds the queries a client can trigger.
      const known = query.service_codes.filter((code) => this.cases.categories.get(code) !== undefined);
      const perCode: CaseRecord[] = [];
      for (const code of known) {
        perCode.push(...(await collect(this.repo, { ...base, categoryPrefix: code }, (c) => c.categoryCode === code && isPublicRequest(c), OPEN311_MAX_RESULTS)));
      }
      records = perCode.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || a.id.localeCompare(b.id)).slice(0, OPEN311_MAX_RESULTS);
    } else {
      records = await collect(this.repo, base, isPublicRequest, OPEN311_MAX_RESULTS);
    }
    return records.map((c) => this.toRequest(c));
  }

  /** GET requests/[id]: one request by case number; 404 when unknown or confidential. */
  async getRequest(id: string): Promise<Open311ServiceRequest[]> {
    const c = await this.findPublic(id);
    if (!c) throw open311Errors.notFound('service_request_id', id);
    return [this.toRequest(c)];
  }

  /** GET tokens/[token]: requests are created synchronously and no token is ever issued, so every token is unknown. */
  requestIdFromToken(token: string): Promise<Open311TokenResponse[]> {
    return Promise.reject(open311Errors.notFound('token', token));
  }

  private leafCategories(): Category[] {
    // Categories created by importing another system's history (nyc311.*, open311.*, teddycup.*) are
    // that system's vocabulary, not services this city offers.
    const all = this.cases.categories.all().filter((c) => c.active && !IMPORTED_ROOTS.has(c.code.split('.')[0]!));
    const parents = new Set(all.map((c) => c.parentCode).filter((p): p is string => p !== null));
    return all.filter((c) => !parents.has(c.code));
  }

  private isService(code: string): boolean {
    const c = this.cases.categories.get(code);
    return !!c && c.active && !IMPORTED_ROOTS.has(code.split('.')[0]!) && !this.cases.categories.children(code).some((child) => child.active);
  }

  private async findPublic(idOrNumber: string): Promise<CaseRecord | null> {
    let id: string;
    try {
      id = await this.cases.resolveId(idOrNumber);
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return null;
      throw err;
    }
    const stored = await this.repo.getStored(id);
    return stored && isPublicRequest(stored.record) ? stored.record : null;
  }

  /** A case as a public service request: no requester name, phone or internal note ever leaves. */
  private toRequest(c: CaseFields): Open311ServiceRequest {
    const closed = CLOSED_STATES.includes(c.state);
    const agency = c.mainDepartmentId ?? c.centreId;
    const updated = closed ? (c.closedAt ?? c.resolvedAt ?? c.updatedAt) : c.updatedAt;
    return {
      service_request_id: c.number,
      status: closed ? 'closed' : 'open',
      status_notes: c.reply ?? CASE_STATE_ZH[c.state],
      service_name: this.cases.categories.get(c.categoryCode)?.name ?? null,
      service_code: c.categoryCode,
      description: c.text,
      agency_responsible: agency ? (this.org.getDepartment(agency)?.name ?? null) : null,
      requested_datetime: this.w3c(c.receivedAt),
      updated_datetime: this.w3c(updated),
      expected_datetime: c.dueAt ? this.w3c(c.dueAt) : null,
      address: c.location?.address ?? null,
      address_id: null,
      zipcode: null,
      lat: c.location?.lat ?? null,
      long: c.location?.lng ?? null,
      media_url: c.attachments[0]?.url ?? null,
    };
  }

  private w3c(isoInstant: string): string {
    return formatW3cDatetime(new Date(isoInstant), this.zone);
  }

  private notice(number: string, kind: Kind, urgency: Urgency): string {
    const limits = this.cases.timeLimits()[kind][urgency];
    return `您的诉求已受理，工单编号 ${number}。本市 12345 受理中心将派往承办部门；按“${KIND_ZH[kind]}·${URGENCY_ZH[urgency]}”时限，承办部门须在${limitText(limits.signFor)}内签收、${limitText(limits.handle)}内办结（自派单起算）。可凭工单编号查询办理进度。`;
  }
}

function limitText(limit: TimeLimit): string {
  return limit.unit === 'hours' ? ` ${limit.value} 小时` : ` ${limit.value} 个工作日`;
}

function statesFor(statuses: readonly Open311Status[] | undefined): readonly CaseState[] | undefined {
  if (!statuses || statuses.length === 0 || (statuses.includes('open') && statuses.includes('closed'))) return undefined;
  return statuses.includes('open') ? OPEN_STATES : CLOSED_STATES;
}

function pick<T extends string>(value: string | readonly string[] | undefined, allowed: readonly T[]): T | undefined {
  const v = typeof value === 'string' ? value : value?.[0];
  return allowed.find((a) => a === v);
}

/** Chinese names are family name first without a space; others are "first last". */
function requesterName(first: string | undefined, last: string | undefined): string | undefined {
  const parts = [first, last].filter((p): p is string => !!p);
  if (parts.length === 0) return undefined;
  if (first && last && hasHan(first) && hasHan(last)) return `${last}${first}`;
  return parts.join(' ');
}

/** The dialable digits of a phone as clients write it ("(555) 123-4567 ext. 12" → "5551234567"). */
function phoneDigits(raw: string): string {
  const main = raw.replace(/\s*(?:x|ext\.?|转)\s*[0-9]+$/i, '');
  return main.replace(/[^\d+]/g, '');
}

function mediaName(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last).slice(0, 200) : 'media';
  } catch {
    return 'media';
  }
}

/**
 * Only requests filed through Open311 are public there. Hotline calls, messages and app reports are
 * told in the citizen's own words, often with names, addresses and phone numbers, and their numbers
 * are sequential: publishing them would bypass the self-query's phone check. Confidential requests
 * are never public, not even that they exist.
 */
function isPublicRequest(c: Pick<CaseRecord, 'channel' | 'confidential'>): boolean {
  return c.channel === 'open311' && !c.confidential;
}

/** Pages through repository results until `max` records pass `keep` or the results run out. */
async function collect(repo: CasesRepository, filter: Omit<CaseListFilter, 'limit' | 'offset'>, keep: (c: CaseRecord) => boolean, max: number): Promise<CaseRecord[]> {
  const out: CaseRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items } = await repo.list({ ...filter, sort: 'received_desc', limit: PAGE, offset });
    for (const c of items) {
      if (!keep(c)) continue;
      out.push(c);
      if (out.length >= max) return out;
    }
    if (items.length < PAGE) return out;
  }
}

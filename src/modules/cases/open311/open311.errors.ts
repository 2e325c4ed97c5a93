import { AppError } from '../../../platform/errors/app-error.ts';
import type { Open311ErrorItem } from './open311.types.ts';

/** The only HTTP statuses GeoReport v2 uses, with what the spec means by each. */
export const OPEN311_HTTP_STATUS = {
  400: {
    en: 'Missing or invalid parameter, invalid URL, or any other failure while processing (general service error)',
    zh: '参数缺失或无效、URL 无效，或处理过程中的其他失败（一般服务错误）',
  },
  403: { en: 'Missing or invalid api_key', zh: 'api_key 缺失或无效' },
  404: {
    en: 'The resource does not exist: jurisdiction_id, service_code, service_request_id or token not found',
    zh: '资源不存在：jurisdiction_id、service_code、service_request_id 或 token 未找到',
  },
} as const;

/** An HTTP status the protocol allows. */
export type Open311HttpStatus = keyof typeof OPEN311_HTTP_STATUS;

/** One thing wrong with a request; several can go into one error document. */
export interface Open311Problem {
  status: Open311HttpStatus;
  /** Stable machine code, UPPER_SNAKE, e.g. OPEN311_MISSING_PARAMETER. */
  code: string;
  /** The request parameter at fault, spelled as the client sent it (e.g. `attribute[WHISPAWN]`). */
  field?: string;
  zh: string;
  en: string;
}

/**
 * A protocol error carrying every problem found, so a client fixes its request in one round trip.
 * It is an AppError (first problem's code and status), so generic error mapping still works.
 */
export class Open311Error extends AppError {
  readonly problems: readonly Open311Problem[];

  constructor(problems: readonly [Open311Problem, ...Open311Problem[]]) {
    const [first] = problems;
    super({
      code: first.code,
      status: first.status,
      zh: problems.map((p) => p.zh).join('；'),
      en: problems.map((p) => p.en).join('; '),
      ...(first.field !== undefined ? { field: first.field } : {}),
      details: { problems },
    });
    this.name = 'Open311Error';
    this.problems = problems;
  }

  /** The body of the error document. `code` repeats the HTTP status, as the spec's examples and its clients expect. */
  toErrorItems(lang: 'zh' | 'en' = 'zh'): Open311ErrorItem[] {
    return this.problems.map((p) => ({ code: p.status, description: lang === 'en' ? p.en : p.zh }));
  }
}

/** Builders for the problems the parsers report. */
export const open311Problems = {
  missing: (field: string): Open311Problem => ({
    status: 400,
    code: 'OPEN311_MISSING_PARAMETER',
    field,
    zh: `缺少必填参数 ${field}`,
    en: `${field} was not provided`,
  }),
  invalid: (field: string, zhWhy: string, enWhy: string, code = 'OPEN311_INVALID_PARAMETER'): Open311Problem => ({
    status: 400,
    code,
    field,
    zh: `参数 ${field} 无效：${zhWhy}`,
    en: `${field} is invalid: ${enWhy}`,
  }),
  attribute: (attributeCode: string, code: string, zhWhy: string, enWhy: string): Open311Problem => ({
    status: 400,
    code,
    field: `attribute[${attributeCode}]`,
    zh: `属性 ${attributeCode}：${zhWhy}`,
    en: `attribute ${attributeCode}: ${enWhy}`,
  }),
};

/** Errors the HTTP adapter raises itself. */
export const open311Errors = {
  /** 404 for a jurisdiction, service_code, service_request_id or token that does not exist. */
  notFound: (field: 'jurisdiction_id' | 'service_code' | 'service_request_id' | 'token', id: string): Open311Error =>
    new Open311Error([
      {
        status: 404,
        code: 'OPEN311_NOT_FOUND',
        field,
        zh: `${field} 未找到：${id}`,
        en: `${field} not found: ${id}`,
      },
    ]),
  /** 403 for a POST without a valid api_key. */
  invalidApiKey: (): Open311Error =>
    new Open311Error([
      {
        status: 403,
        code: 'OPEN311_INVALID_API_KEY',
        field: 'api_key',
        zh: 'api_key 缺失或无效，无法创建诉求',
        en: "Invalid api_key received -- can't proceed with create_request.",
      },
    ]),
  /** 400 for a required parameter the parsers cannot know about (jurisdiction_id on a multi-city endpoint). */
  missing: (field: string): Open311Error => new Open311Error([open311Problems.missing(field)]),
};

/**
 * Any failure as an Open311Error. 4xx AppErrors keep their message (403/404 keep their status, other 4xx
 * become 400); anything else is the spec's 400 "general service error" with no internals leaked.
 */
export function toOpen311Error(err: unknown): Open311Error {
  if (err instanceof Open311Error) return err;
  if (err instanceof AppError && err.status >= 400 && err.status < 500) {
    const status: Open311HttpStatus = err.status === 403 || err.status === 404 ? err.status : 400;
    return new Open311Error([
      { status, code: err.code, ...(err.field !== undefined ? { field: err.field } : {}), zh: err.zh, en: err.en },
    ]);
  }
  return new Open311Error([
    {
      status: 400,
      code: 'OPEN311_GENERAL_SERVICE_ERROR',
      zh: '服务处理失败，请稍后重试；若持续出现请联系我们',
      en: 'General service error: the request could not be processed; please try again later or notify us',
    },
  ]);
}

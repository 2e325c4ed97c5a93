/** A bilingual, coded error. Domain code throws these; the HTTP layer maps them to 4xx/5xx and the CLI prints them. */
export interface AppErrorInit {
  /** Stable machine-readable code, UPPER_SNAKE, e.g. CASE_ILLEGAL_TRANSITION. */
  code: string;
  /** HTTP status the error maps to. */
  status: number;
  /** Chinese message (the default language for people). */
  zh: string;
  /** English message. */
  en: string;
  /** The input field at fault, as a JSON pointer-ish path (e.g. "location.lat"). */
  field?: string;
  /** Extra machine-readable facts (allowed actions, limits …). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly zh: string;
  readonly en: string;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(init: AppErrorInit) {
    super(init.en);
    this.name = 'AppError';
    this.code = init.code;
    this.status = init.status;
    this.zh = init.zh;
    this.en = init.en;
    this.field = init.field;
    this.details = init.details;
  }

  /** The message in the requested language (zh-CN unless 'en'). */
  message_(lang: 'zh' | 'en'): string {
    return lang === 'en' ? this.en : this.zh;
  }
}

/** Shorthands for the common families, so call sites stay one line. */
export const errors = {
  validation: (field: string, zh: string, en: string, details?: Record<string, unknown>) =>
    new AppError({ code: 'VALIDATION_FAILED', status: 400, zh, en, field, ...(details ? { details } : {}) }),
  notFound: (what: string, id: string, zhWhat: string) =>
    new AppError({ code: 'NOT_FOUND', status: 404, zh: `${zhWhat}不存在：${id}`, en: `${what} not found: ${id}`, details: { id } }),
  conflict: (code: string, zh: string, en: string, details?: Record<string, unknown>) =>
    new AppError({ code, status: 409, zh, en, ...(details ? { details } : {}) }),
};

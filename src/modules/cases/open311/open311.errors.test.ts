import { describe, expect, it } from 'vitest';
import { AppError, errors } from '../../../platform/errors/app-error.ts';
import { OPEN311_HTTP_STATUS, Open311Error, open311Errors, toOpen311Error } from './open311.errors.ts';
import { renderJson, renderXml } from './open311.format.ts';

describe('Open311 errors', () => {
  it('knows only the three statuses the spec uses', () => {
    expect(Object.keys(OPEN311_HTTP_STATUS)).toEqual(['400', '403', '404']);
  });

  it('renders a bad api_key as the spec example error document, status 403', () => {
    const err = open311Errors.invalidApiKey();
    expect(err.status).toBe(403);
    expect(renderXml('errors', err.toErrorItems('en'))).toBe(
      `<?xml version="1.0" encoding="utf-8"?>
<errors>
    <error>
        <code>403</code>
        <description>Invalid api_key received -- can&apos;t proceed with create_request.</description>
    </error>
</errors>
`,
    );
    expect(JSON.parse(renderJson('errors', err.toErrorItems('en')))).toEqual([
      { code: 403, description: "Invalid api_key received -- can't proceed with create_request." },
    ]);
  });

  it('describes errors in Chinese by default and English on request', () => {
    const err = open311Errors.notFound('service_request_id', 'not-an-id');
    expect(err.status).toBe(404);
    expect(err.code).toBe('OPEN311_NOT_FOUND');
    expect(err.toErrorItems()).toEqual([{ code: 404, description: 'service_request_id 未找到：not-an-id' }]);
    expect(err.toErrorItems('en')).toEqual([{ code: 404, description: 'service_request_id not found: not-an-id' }]);
  });

  it('is an AppError so the generic error mapping still sees code, status and field', () => {
    const err = open311Errors.missing('jurisdiction_id');
    expect(err).toBeInstanceOf(AppError);
    expect([err.code, err.status, err.field]).toEqual(['OPEN311_MISSING_PARAMETER', 400, 'jurisdiction_id']);
  });

  it('maps a module NOT_FOUND to 404 and other 4xx to 400, keeping their text', () => {
    const nf = toOpen311Error(errors.notFound('case', 'cas_1', '工单'));
    expect([nf.status, nf.toErrorItems()[0]?.description]).toEqual([404, '工单不存在：cas_1']);
    const conflict = toOpen311Error(errors.conflict('CASE_CLOSED', '工单已办结', 'case is closed'));
    expect([conflict.status, conflict.code, conflict.toErrorItems('en')[0]?.description]).toEqual([400, 'CASE_CLOSED', 'case is closed']);
  });

  it('maps unexpected failures to the general service error without leaking internals', () => {
    const err = toOpen311Error(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    expect([err.status, err.code]).toEqual([400, 'OPEN311_GENERAL_SERVICE_ERROR']);
    expect(err.toErrorItems('en')[0]?.description).not.toContain('ECONNREFUSED');
  });

  it('passes an Open311Error through unchanged', () => {
    const err = open311Errors.invalidApiKey();
    expect(toOpen311Error(err)).toBe(err);
    expect(err).toBeInstanceOf(Open311Error);
  });
});

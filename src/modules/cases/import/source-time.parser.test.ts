import { describe, expect, it } from 'vitest';
import { toUtcIso } from './source-time.parser.ts';

const NY = 'America/New_York';
const SH = 'Asia/Shanghai';

describe('toUtcIso', () => {
  it('reads NYC 12-hour local times in winter (EST) and summer (EDT)', () => {
    expect(toUtcIso('03/01/2011 10:41:13 AM', NY)).toBe('2011-03-01T15:41:13.000Z');
    expect(toUtcIso('07/04/2013 09:15:00 PM', NY)).toBe('2013-07-05T01:15:00.000Z');
  });

  it('reads 12 AM as midnight and 12 PM as noon', () => {
    expect(toUtcIso('10/31/2013 12:00:00 AM', NY)).toBe('2013-10-31T04:00:00.000Z');
    expect(toUtcIso('10/31/2013 12:00:00 PM', NY)).toBe('2013-10-31T16:00:00.000Z');
  });

  it('uses the right offset on both sides of a DST change on the same day', () => {
    expect(toUtcIso('03/13/2011 01:30:00 AM', NY)).toBe('2011-03-13T06:30:00.000Z');
    expect(toUtcIso('03/13/2011 03:30:00 AM', NY)).toBe('2011-03-13T07:30:00.000Z');
    // 02:30 does not exist that night; like Luxon, it is moved forward to 03:30 EDT.
    expect(toUtcIso('03/13/2011 02:30:00 AM', NY)).toBe('2011-03-13T07:30:00.000Z');
  });

  it('reads Teddy Cup China times with one-digit parts, dashes, minutes only and dates only', () => {
    expect(toUtcIso('2019/2/28 11:25:05', SH)).toBe('2019-02-28T03:25:05.000Z');
    expect(toUtcIso('2019/4/25 9:32:09', SH)).toBe('2019-04-25T01:32:09.000Z');
    expect(toUtcIso('2019-02-28 11:25:05', SH)).toBe('2019-02-28T03:25:05.000Z');
    expect(toUtcIso('2019/2/28 11:25', SH)).toBe('2019-02-28T03:25:00.000Z');
    expect(toUtcIso('2018/4/24', SH)).toBe('2018-04-23T16:00:00.000Z');
  });

  it('reads spreadsheet serial day numbers as local wall time, rounded to the second', () => {
    expect(toUtcIso('43563.359259259261', SH)).toBe('2019-04-08T00:37:20.000Z');
  });

  it('keeps the offset written in an ISO time instead of the zone', () => {
    expect(toUtcIso('2012-05-23T15:55:28-04:00', SH)).toBe('2012-05-23T19:55:28.000Z');
    expect(toUtcIso('2014-07-12T10:58:43Z', NY)).toBe('2014-07-12T10:58:43.000Z');
  });

  it.each([
    '', '   ', 'yesterday', '02/30/2011 10:00:00 AM', '13/01/2011 10:00:00 AM', '03/01/2011 13:00:00 PM',
    '2019/13/45 10:00:00', '2019/1/99', '2019/1/1 24:00:00', '12345678',
  ])('rejects %j', (value) => {
    expect(toUtcIso(value, SH)).toBeUndefined();
  });
});

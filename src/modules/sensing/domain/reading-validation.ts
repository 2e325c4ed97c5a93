import type { DeviceType } from './device-types.ts';

/** A reading as stored: device id (canonical), measure code, instant (epoch ms), value. */
export interface Reading {
  deviceId: string;
  measure: string;
  at: number;
  value: number;
}

/** Why one item of a batch was refused. */
export interface ItemProblem {
  index: number;
  code: 'READING_NOT_OBJECT' | 'READING_UNKNOWN_DEVICE' | 'READING_UNKNOWN_MEASURE' | 'READING_BAD_VALUE' | 'READING_OUT_OF_RANGE' | 'READING_BAD_TIME' | 'READING_DEVICE_INACTIVE';
  field: string;
  zh: string;
  en: string;
}

export interface BatchCheck {
  accepted: Reading[];
  /** Index in the batch of each accepted reading (same order as `accepted`). */
  acceptedIndex: number[];
  problems: ItemProblem[];
}

/** What validation needs to know about a device. */
export interface DeviceRef {
  id: string;
  active: boolean;
  type: DeviceType;
}

export interface ReadingLimits {
  /** Refuse readings stamped further in the future than this (device clock drift). */
  maxFutureMs: number;
  /** Refuse readings older than this (they would land behind retention and rollups already shipped). */
  maxAgeMs: number;
}

export const DEFAULT_READING_LIMITS: ReadingLimits = { maxFutureMs: 5 * 60_000, maxAgeMs: 30 * 86_400_000 };

/** ISO-8601 with an explicit zone (Z or ±hh:mm); bare local times are ambiguous across gateways. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parse a reading time: ISO-8601 with a zone, or epoch milliseconds. NaN when neither. */
export function parseReadingTime(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : NaN;
  if (typeof v === 'string' && v.length <= 40 && ISO_WITH_ZONE.test(v)) return Date.parse(v);
  return NaN;
}

/**
 * Check each item of a batch on its own: good items are accepted even when others are bad, and
 * every bad item is reported with its index, field and a coded reason. Booleans are taken as 0/1
 * because many gateways send them so for switch measures.
 */
export function checkBatch(items: readonly unknown[], device: (id: string) => DeviceRef | null, now: number, limits: ReadingLimits = DEFAULT_READING_LIMITS): BatchCheck {
  const accepted: Reading[] = [];
  const acceptedIndex: number[] = [];
  const problems: ItemProblem[] = [];
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({ index, code: 'READING_NOT_OBJECT', field: `${index}`, zh: '读数必须是对象', en: 'A reading must be an object' });
      continue;
    }
    const r = item as Record<string, unknown>;
    const id = r.deviceId;
    const ref = typeof id === 'string' && id.length <= 64 ? device(id) : null;
    if (!ref) {
      problems.push({ index, code: 'READING_UNKNOWN_DEVICE', field: `${index}.deviceId`, zh: `设备不存在：${String(id).slice(0, 64)}`, en: `Unknown device: ${String(id).slice(0, 64)}` });
      continue;
    }
    if (!ref.active) {
      problems.push({ index, code: 'READING_DEVICE_INACTIVE', field: `${index}.deviceId`, zh: '设备已停用', en: 'The device is deactivated' });
      continue;
    }
    const measure = typeof r.measure === 'string' ? ref.type.measures.find((x) => x.code === r.measure) : undefined;
    if (!measure) {
      problems.push({ index, code: 'READING_UNKNOWN_MEASURE', field: `${index}.measure`, zh: `设备类型 ${ref.type.code} 没有测量项 ${String(r.measure).slice(0, 40)}`, en: `Type ${ref.type.code} has no measure ${String(r.measure).slice(0, 40)}` });
      continue;
    }
    const value = typeof r.value === 'boolean' ? (r.value ? 1 : 0) : r.value;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push({ index, code: 'READING_BAD_VALUE', field: `${index}.value`, zh: '读数值必须是有限数字', en: 'The value must be a finite number' });
      continue;
    }
    if ((measure.min !== undefined && value < measure.min) || (measure.max !== undefined && value > measure.max)) {
      problems.push({ index, code: 'READING_OUT_OF_RANGE', field: `${index}.value`, zh: `读数超出量程 [${measure.min ?? '-∞'}, ${measure.max ?? '∞'}] ${measure.unit}`, en: `Value outside the range [${measure.min ?? '-inf'}, ${measure.max ?? 'inf'}] ${measure.unit}` });
      continue;
    }
    // `ts` is the published name; `at` is accepted as an alias (what the stored reading calls it).
    const timeField = r.ts !== undefined || r.at === undefined ? 'ts' : 'at';
    const at = parseReadingTime(timeField === 'ts' ? r.ts : r.at);
    if (!Number.isFinite(at)) {
      problems.push({ index, code: 'READING_BAD_TIME', field: `${index}.${timeField}`, zh: '时间（ts）必须是带时区的 ISO-8601 或毫秒时间戳', en: 'ts must be epoch milliseconds or ISO-8601 with a zone' });
      continue;
    }
    if (at > now + limits.maxFutureMs || at < now - limits.maxAgeMs) {
      problems.push({ index, code: 'READING_BAD_TIME', field: `${index}.${timeField}`, zh: '时间超出可接受范围（设备时钟偏差过大或数据过旧）', en: 'ts is too far in the future or the past' });
      continue;
    }
    accepted.push({ deviceId: ref.id, measure: measure.code, at, value });
    acceptedIndex.push(index);
  }
  return { accepted, acceptedIndex, problems };
}

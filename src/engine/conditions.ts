import type { Condition } from './flows/definition.js';
import type { FlowData } from './sessions.js';

export function holds(condition: Condition, data: FlowData): boolean {
  if ('all' in condition) return condition.all.every((c) => holds(c, data));
  if ('any' in condition) return condition.any.some((c) => holds(c, data));
  if ('not' in condition) return !holds(condition.not, data);
  const value = data[condition.var];
  if ('equals' in condition) return value === condition.equals;
  if ('in' in condition) return (condition.in as unknown[]).includes(value);
  const isSet = value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
  return isSet === condition.set;
}

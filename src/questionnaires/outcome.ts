import type { AnswerValue } from '../domain/response.js';
import type { ParseResult, ValidationKey } from './model.js';

export const accept = (value: AnswerValue, needsOtherText = false): ParseResult =>
  needsOtherText ? { ok: true, value, needsOtherText } : { ok: true, value };

export const reject = (key: ValidationKey, params?: Record<string, string | number>): ParseResult =>
  params ? { ok: false, error: { key, params } } : { ok: false, error: { key } };

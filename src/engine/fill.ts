import type { FlowData, FlowValue } from './sessions.js';

function show(value: FlowValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  // Lists (links, several choices) read best one per line.
  return Array.isArray(value) ? value.join('\n') : String(value);
}

/** Puts flow data into a text's {placeholders}; unknown ones stay visible, never "undefined". */
export function fill(text: string, data: FlowData): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => show(data[name]) ?? whole);
}

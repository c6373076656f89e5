// mingo, loaded with require rather than import. mingo ships CommonJS for Node, and importing
// CommonJS from an ES module makes Node 20 first lex each file and every file it re-exports to
// find the export names, then load it all again: for mingo's ~300 small re-exporting modules that
// cost each start ~0.2 s of CPU more than require (0.35 s against 0.15 s). The values are
// re-exported here, typed as the package declares them; types are imported from mingo directly.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const { Aggregator } = require('mingo/aggregator') as typeof import('mingo/aggregator');
export const { Context, ProcessingMode } = require('mingo/core') as typeof import('mingo/core');
export const { Lazy } = require('mingo/lazy') as typeof import('mingo/lazy');
export const { Query } = require('mingo/query') as typeof import('mingo/query');
export const { update, updateOne } = require('mingo/updater') as typeof import('mingo/updater');
export const accumulatorOperators =
  require('mingo/operators/accumulator') as typeof import('mingo/operators/accumulator');
export const expressionOperators = require('mingo/operators/expression') as typeof import('mingo/operators/expression');
export const pipelineOperators = require('mingo/operators/pipeline') as typeof import('mingo/operators/pipeline');
export const projectionOperators = require('mingo/operators/projection') as typeof import('mingo/operators/projection');
export const queryOperators = require('mingo/operators/query') as typeof import('mingo/operators/query');
export const windowOperators = require('mingo/operators/window') as typeof import('mingo/operators/window');

/**
 * aggregate on mingo. Stages that need a server we are not ($out, $merge, change streams, search,
 * geo, stats) are refused by name. mingo edits its input in place for some stages, so a pipeline
 * that is not on the known-safe list runs on clones of the stored documents. Counting segments
 * (`$unwind` + `$group` and the like) run on the one-pass executor of fused-group.ts instead.
 */
import { Aggregator, ProcessingMode } from '../mingo.js';
import { CommandError, notImplemented } from '../errors.js';
import { compileFilter, mingoOptions, rejectUnsupportedOperators } from '../query.js';
import { cloneValue, isPlainObject, type Doc } from '../values.js';
import {
  assertSimpleCollation,
  commandName,
  letVariables,
  optionalDoc,
  optionalNumber,
  validateCollectionName,
  type CommandContext,
  type CommandSpec,
} from './context.js';
import { executePipeline } from './fused-group.js';
import { matchDocs } from './scan.js';

const UNSUPPORTED_STAGES: Record<string, string> = {
  $out: '$out',
  $merge: '$merge',
  $changeStream: '$changeStream (change streams)',
  $changeStreamSplitLargeEvent: '$changeStreamSplitLargeEvent (change streams)',
  $search: '$search (Atlas Search)',
  $searchMeta: '$searchMeta (Atlas Search)',
  $vectorSearch: '$vectorSearch (Atlas Vector Search)',
  $listSearchIndexes: '$listSearchIndexes',
  $geoNear: '$geoNear (geospatial)',
  $indexStats: '$indexStats',
  $collStats: '$collStats',
  $currentOp: '$currentOp',
  $listSessions: '$listSessions',
  $listLocalSessions: '$listLocalSessions',
  $planCacheStats: '$planCacheStats',
  $queryStats: '$queryStats',
  $listSampledQueries: '$listSampledQueries',
  $shardedDataDistribution: '$shardedDataDistribution',
  $listClusterCatalog: '$listClusterCatalog',
};

const SAFE_STAGES = new Set([
  '$match',
  '$sort',
  '$limit',
  '$skip',
  '$group',
  '$count',
  '$sortByCount',
  '$sample',
  '$replaceRoot',
  '$replaceWith',
  '$bucket',
  '$bucketAuto',
  '$documents',
]);

function topLevelOnly(keys: string[]): boolean {
  return keys.every((k) => !k.includes('.'));
}

/** True when mingo is known not to write into its input documents for this pipeline. */
export function pipelineIsSafe(stages: readonly unknown[]): boolean {
  for (const stage of stages) {
    if (!isPlainObject(stage)) return false;
    const [name] = Object.keys(stage);
    if (name === undefined) return false;
    const spec = stage[name];
    if (SAFE_STAGES.has(name)) continue;
    switch (name) {
      case '$project':
      case '$addFields':
      case '$set':
        if (isPlainObject(spec) && topLevelOnly(Object.keys(spec))) continue;
        return false;
      case '$unset': {
        const fields = Array.isArray(spec) ? spec : [spec];
        if (fields.every((f) => typeof f === 'string' && !f.includes('.'))) continue;
        return false;
      }
      case '$unwind': {
        if (typeof spec === 'string' && !spec.includes('.')) continue;
        if (
          isPlainObject(spec) &&
          typeof spec.path === 'string' &&
          !spec.path.includes('.') &&
          spec.includeArrayIndex === undefined &&
          spec.preserveNullAndEmptyArrays !== true
        ) {
          continue;
        }
        return false;
      }
      case '$lookup':
        if (
          isPlainObject(spec) &&
          typeof spec.as === 'string' &&
          !spec.as.includes('.') &&
          pipelineIsSafe((spec.pipeline as unknown[]) ?? [])
        )
          continue;
        return false;
      case '$unionWith': {
        const pipeline = isPlainObject(spec) ? spec.pipeline : undefined;
        if (pipeline === undefined || (Array.isArray(pipeline) && pipelineIsSafe(pipeline))) continue;
        return false;
      }
      case '$facet':
        if (isPlainObject(spec) && Object.values(spec).every((p) => Array.isArray(p) && pipelineIsSafe(p))) continue;
        return false;
      default:
        return false;
    }
  }
  return true;
}

function rejectUnsupportedStages(stages: unknown[]): void {
  for (const stage of stages) {
    if (!isPlainObject(stage))
      throw new CommandError('TypeMismatch', 'Each element of the pipeline array must be an object');
    const keys = Object.keys(stage);
    if (keys.length !== 1)
      throw new CommandError('FailedToParse', 'A pipeline stage specification object must contain exactly one field.');
    const name = keys[0] as string;
    const what = UNSUPPORTED_STAGES[name];
    if (what) throw notImplemented(`the aggregation stage ${what}`);
    const spec = stage[name];
    if (name === '$facet' && isPlainObject(spec)) {
      for (const sub of Object.values(spec)) if (Array.isArray(sub)) rejectUnsupportedStages(sub);
    }
    if ((name === '$lookup' || name === '$unionWith') && isPlainObject(spec) && Array.isArray(spec.pipeline)) {
      rejectUnsupportedStages(spec.pipeline);
    }
  }
  rejectUnsupportedOperators(stages);
}

const aggregate: CommandSpec = {
  names: ['aggregate'],
  fields: [
    'pipeline',
    'cursor',
    'explain',
    'allowDiskUse',
    'bypassDocumentValidation',
    'collation',
    'hint',
    'let',
    'fromRouter',
    'needsMerge',
  ],
  run(cmd, ctx) {
    const { ns, docs } = aggregateDocs(cmd, ctx);
    return ctx.cursors.open({ ns, docs, batchSize: optionalNumber(optionalDoc(cmd, 'cursor') ?? {}, 'batchSize') });
  },
};

/**
 * The result documents of an `aggregate` command, before a cursor hands them out: for the command
 * and for an aggregate in this process (`EmbeddedStore.aggregate`). They may hold the stored
 * documents' own values (a grouped answer's array): read them, never change them.
 */
export function aggregateDocs(cmd: Doc, ctx: CommandContext): { ns: string; docs: Doc[] } {
  const target = cmd[commandName(cmd)];
  if (!Array.isArray(cmd.pipeline))
    throw new CommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  if (cmd.explain) throw notImplemented('aggregate explain');
  if (!optionalDoc(cmd, 'cursor'))
    throw new CommandError(
      'FailedToParse',
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  assertSimpleCollation(cmd.collation);
  const stages = cmd.pipeline as unknown[];
  rejectUnsupportedStages(stages);

  const variables = letVariables(cmd);
  let input: Doc[];
  let rest = stages;
  let ns: string;
  if (target === 1 || target === 1.0) {
    const first = stages[0];
    if (!isPlainObject(first) || !('$documents' in first)) {
      throw new CommandError(
        'InvalidNamespace',
        '{aggregate: 1} is not valid for this pipeline; a collection is required',
      );
    }
    input = [];
    ns = `${ctx.db}.$cmd.aggregate`;
  } else {
    const name = validateCollectionName(ctx.db, target);
    ns = `${ctx.db}.${name}`;
    const coll = ctx.catalog.collection(ctx.db, name);
    const first = stages[0];
    if (isPlainObject(first) && '$match' in first && isPlainObject(first.$match)) {
      // A leading $match can use the indexes.
      input = matchDocs(coll, compileFilter(first.$match, { variables }));
      rest = stages.slice(1);
    } else {
      input = coll ? [...coll.docs.values()] : [];
    }
  }

  // Each stretch mingo runs gets its own safety verdict: the fused segments never write, and
  // what comes after a $group is a handful of new documents, cheap to clone when needed.
  const stored = (name: string): Doc[] => [...(ctx.catalog.collection(ctx.db, name)?.docs.values() ?? [])];
  const runMingo = (docs: Doc[], part: readonly unknown[]): Doc[] => {
    if (part.length === 0) return docs;
    const safe = pipelineIsSafe(part);
    const resolver = safe ? stored : (name: string): Doc[] => stored(name).map(cloneValue);
    const agg = new Aggregator(part as Doc[], {
      ...mingoOptions({ variables, collectionResolver: resolver }),
      processingMode: ProcessingMode.CLONE_OFF,
    });
    return agg.run(safe ? docs : docs.map(cloneValue)) as Doc[];
  };
  return { ns, docs: executePipeline(input, rest, { variables, collectionResolver: stored }, runMingo) };
}

export const aggregateCommands: CommandSpec[] = [aggregate];

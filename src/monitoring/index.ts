// Monitoring (issue 6): aggregates, exports, stratified sampling, the half-year report, charts.
// Wiring: `createMonitoring({ store, catalog })` once at start-up; mount `monitoringRoutes(...)`
// on the HTTP server; the bot calls statsText / statsCharts / exportForRequester; the scheduler
// calls halfYearReport and pendingSampleInvitations / markSampleInvited.
export {
  createMonitoring,
  statsMessage,
  type Monitoring,
  type MonitoringDeps,
  type RequesterError,
} from './service.js';
export { monitoringRoutes, bearerMatches, type MonitoringRoutesDeps } from './http.js';
export { upcomingHalf } from './report-source.js';
export {
  halfYearPeriod,
  reportErrorText,
  type HalfYearReport,
  type HalfYearReportRequest,
  type HalfYearPeriod,
  type ReportError,
  type SupportRow,
} from './report.js';
export { EXPORT_SUBJECTS, type ExportSubject } from './year-export.js';
export {
  EXPORT_FORMATS,
  exportErrorText,
  streamToBuffer,
  type ExportFile,
  type ExportFormat,
  type ExportError,
} from './export.js';
export { accessFor, resolveAccess, STAFF_ACCESS, type Access, type AccessError } from './access.js';
export type { Chart } from './charts.js';
export type { AssignError, SampleInvitation } from '../domain/sample.js';
export { marginals, type MarginalRow, type Sample, type Stratum } from './sampling.js';
export { DIMENSIONS, PROFILE_SEGMENTS, type Dimension, type Scope, type SegmentFilter } from './scope.js';
export type { Aggregates } from './aggregates.js';
export { filterErrorText, FILTER_FIELDS, type FilterError, type FilterField } from './filters.js';
export { summaryTables, type Table } from './tables.js';

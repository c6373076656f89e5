// The store's collection names, in one place: the models name their collections from here, and
// the monitoring pipelines that join collections ($lookup) read them from here too.
export const COLLECTION_NAMES = {
  programmes: 'programmes',
  cohorts: 'cohorts',
  participants: 'participants',
  enrollments: 'enrollments',
  responses: 'responses',
  activities: 'activities',
  consultations: 'consultation_requests',
  broadcasts: 'broadcasts',
  samples: 'monitoring_samples',
} as const;

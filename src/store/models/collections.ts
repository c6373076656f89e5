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
  /** One document per recipient of a broadcast: recording one costs the same in a broadcast of 10 or 10,000. */
  broadcastDeliveries: 'broadcast_deliveries',
  samples: 'monitoring_samples',
  supportEvents: 'support_events',
  /** Links given in questionnaire answers and their checks (domain/result-link.ts). */
  resultLinks: 'result_links',
  /** One document per incoming update an instance claimed (src/store/coordination.ts). */
  updateClaims: 'update_claims',
  /** Leases between instances: a chat being handled, the poller, each instance's heartbeat. */
  leases: 'instance_leases',
  /** Where each person's conversation stands (engine/sessions.ts), one per channel. */
  sessions: 'sessions',
  /** Incoming messages claimed by the engine, so a redelivered one is not handled twice. */
  inboundMessages: 'inbound_messages',
} as const;

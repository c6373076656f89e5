import type { Repositories } from '../../domain/repositories.js';
import type { InProcessReader } from '../index.js';
import type { Models } from '../models/index.js';
import { createActivityRepository } from './activities.js';
import { createAuditRepository } from './audit.js';
import { createBroadcastRepository } from './broadcasts.js';
import { createCohortRepository } from './cohorts.js';
import { createConsoleRepository } from './console.js';
import { createConsoleExportRepository } from './console-exports.js';
import { createConsultationRepository } from './consultations.js';
import { createErasureRepository } from './erasure.js';
import { createEnrollmentRepository } from './enrollments.js';
import { createParticipantRepository } from './participants.js';
import { createProgrammeRepository } from './programmes.js';
import { createResponseRepository } from './responses.js';
import { createResultLinkRepository } from './result-links.js';
import { createSampleRepository } from './samples.js';
import { createScheduledSendRepository } from './scheduled-sends.js';
import { createSupportEventRepository } from './support-events.js';

/** `reader`: the embedded store of this process, for planning's bulk reads without the wire. */
export function createRepositories(models: Models, reader?: InProcessReader): Repositories {
  return {
    programmes: createProgrammeRepository(models.programme),
    cohorts: createCohortRepository(models.cohort),
    participants: createParticipantRepository(models.participant, reader),
    enrollments: createEnrollmentRepository(models.enrollment, reader),
    responses: createResponseRepository(models.response, reader),
    activities: createActivityRepository(models.activity, reader),
    consultations: createConsultationRepository(models.consultation),
    broadcasts: createBroadcastRepository(models.broadcast, models.broadcastDelivery),
    audit: createAuditRepository(models.auditEvent),
    scheduledSends: createScheduledSendRepository(models.scheduledSend, reader),
    console: createConsoleRepository(models),
    consoleExports: createConsoleExportRepository(models),
    samples: createSampleRepository(models.sample),
    supportEvents: createSupportEventRepository(models.supportEvent),
    resultLinks: createResultLinkRepository(models.resultLink),
    erasure: createErasureRepository(models),
  };
}

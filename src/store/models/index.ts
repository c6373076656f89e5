import type { Connection } from 'mongoose';
import { defineActivityModel } from './activity.js';
import { defineAuditEventModel } from './audit.js';
import { defineBroadcastDeliveryModel, defineBroadcastModel } from './broadcast.js';
import { defineCohortModel } from './cohort.js';
import { defineConsoleModels } from './console.js';
import { defineConsoleExportModels } from './console-export.js';
import { defineConsultationModel } from './consultation.js';
import { defineEnrollmentModel } from './enrollment.js';
import { defineParticipantModel } from './participant.js';
import { defineProgrammeModel } from './programme.js';
import { defineQuestionnaireVersionModel } from './questionnaire-version.js';
import { defineResponseModel } from './response.js';
import { defineResultLinkModel } from './result-link.js';
import { defineSampleModel } from './sample.js';
import { defineScheduledSendModel } from './scheduled-send.js';
import { defineSessionModels } from './session.js';
import { defineSupportEventModel } from './support-event.js';

/** The models bound to one connection; no global mongoose state is used. */
export function defineModels(connection: Connection) {
  return {
    programme: defineProgrammeModel(connection),
    cohort: defineCohortModel(connection),
    participant: defineParticipantModel(connection),
    enrollment: defineEnrollmentModel(connection),
    response: defineResponseModel(connection),
    activity: defineActivityModel(connection),
    consultation: defineConsultationModel(connection),
    broadcast: defineBroadcastModel(connection),
    broadcastDelivery: defineBroadcastDeliveryModel(connection),
    auditEvent: defineAuditEventModel(connection),
    ...defineSessionModels(connection),
    questionnaireVersion: defineQuestionnaireVersionModel(connection),
    scheduledSend: defineScheduledSendModel(connection),
    ...defineConsoleModels(connection),
    ...defineConsoleExportModels(connection),
    sample: defineSampleModel(connection),
    supportEvent: defineSupportEventModel(connection),
    resultLink: defineResultLinkModel(connection),
  };
}

export type Models = ReturnType<typeof defineModels>;

// What readers outside the store (monitoring's aggregates and report) may use of the models.
export { COLLECTION_NAMES } from './collections.js';
export { isObjectIdWords, type ObjectIdWords } from './object-id-words.js';
export type { CohortDoc } from './cohort.js';
export type { ProgrammeDoc } from './programme.js';
export type { ResponseDoc } from './response.js';
export { toStagePlan, type StagePlanDoc } from './stage-plan.js';

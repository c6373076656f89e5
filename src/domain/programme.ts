import type { StagePlan } from './stage.js';

/** A qualification course programme (ДПП). Monitoring exists to correct programmes. */
export interface Programme {
  id: string;
  code: string;
  title: string;
  /** Направление: used to stratify samples and break down aggregates. */
  direction: string;
  hours?: number;
  /** Default post-course plan for the programme's cohorts. */
  stagePlan?: StagePlan;
  /** The sandbox's demo programme (see Cohort.demo). */
  demo?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

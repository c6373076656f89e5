import type { Message } from '../catalog.js';
import type * as ru from '../ru/scheduler.js';

type Like<T> = { [K in keyof T]: Message };

export const scheduler: Like<typeof ru.scheduler> = {
  stage_1:
    'Course "{cohortTitle}": stage 1 of your post-course support begins: the plan of activities.\n\nDraw up a plan for the year: open lessons, master classes, webinars, seminars, consultations for colleagues, publications. Discuss it in your methodical association and have your head of school approve it. Over the year you need to run at least {required} activities.\n\nNeed help with the plan? /consult',
  stage_2:
    'Course "{cohortTitle}": stage 2 begins: carrying out the plan.\n\nRun the activities you planned, publish the materials on social media or the school website, and send me the links: /activity. Your curator will review each activity.',
  stage_3:
    'Course "{cohortTitle}": stage 3 begins: presenting your results.\n\nPresent what you achieved: a portfolio (or a section of it), a methodical product, a seminar for colleagues. Be sure to include working links to the materials of the activities you ran. The post-course year ends on {yearEnd}.',
  stage_generic:
    'Course "{cohortTitle}": stage {stage} of your post-course support begins: {stageName}.\n\nOver the year you need to run at least {required} activities and send me links to the materials: /activity. The post-course year ends on {yearEnd}.',
  invite: 'Course "{cohortTitle}": a new questionnaire, "{title}". It is open until {closes}.',
  sample_invite:
    'Course "{cohortTitle}": you are in the sample for the survey "{title}". Please answer; it takes a few minutes.',
  sample_invite_busy:
    'Course "{cohortTitle}": the survey "{title}" is waiting for you. When you have finished the current dialog, open it with /surveys.',
  invite_busy:
    'Course "{cohortTitle}": a new questionnaire is waiting for you, "{title}" (open until {closes}). When you have finished the current dialog, open it with /surveys.',
  reminder:
    'A reminder about the questionnaire "{title}" (course "{cohortTitle}"): it is open until {closes} and takes a few minutes.',
  reminder_busy:
    'A reminder about the questionnaire "{title}" (course "{cohortTitle}"): it is open until {closes}. You can open it with /surveys.',
  non_responders: {
    one: 'Course "{cohortTitle}": {count} teacher has not completed the questionnaire "{title}" despite the invitation and reminders:',
    other:
      'Course "{cohortTitle}": {count} teachers have not completed the questionnaire "{title}" despite the invitation and reminders:',
  },
  non_responders_more: 'Course "{cohortTitle}", questionnaire "{title}", continued:',
  unnamed: 'no name',
  activity_nudge:
    'Course "{cohortTitle}": the post-course year ends on {yearEnd}, and {accepted} of {required} activities have been accepted so far.\n\nTell me about the activities you have run: /activity. If you need help, ask for a consultation: /consult',
  report_reminder_1:
    'Course "{cohortTitle}": the summary report on the post-course support of teachers for the first half-year is due by {deadline}.',
  report_reminder_2:
    'Course "{cohortTitle}": the summary report on the post-course support of teachers for the second half-year is due by {deadline}.',
  closing:
    'Course "{cohortTitle}": the post-course year is over. Thank you for being with us all year!\n\nAccepted activities: {accepted} of {required}.',
  closing_goal_met: 'You have met the goal for the year. Congratulations!',
  final_survey: 'One last step: the final questionnaire, "{title}". Your answers help improve the course programme.',
  final_survey_busy:
    'One last step: the final questionnaire, "{title}". When you have finished the current dialog, open it with /surveys.',
};

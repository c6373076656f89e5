import type { Message } from '../catalog.js';
import type * as ru from '../ru/flows.js';

type Like<T> = { [K in keyof T]: Message };

export const keywords: Like<typeof ru.keywords> = {
  menu: 'menu|main menu',
  back: 'back',
  skip: 'skip|next',
  help: 'help',
  stop: 'stop|unsubscribe',
  start: 'start',
};

export const flow: Like<typeof ru.flow> = {
  cannot_skip: 'This question needs an answer; it cannot be skipped.',
  not_allowed: 'This command is only for the course curators and tutors.',
  unknown_command: 'I do not know that command.',
  text_expected: 'I only understand text and buttons. Please answer in text.',
  stale_button: 'That button belongs to an earlier question. Please answer the current one:',
  not_understood: 'I did not quite understand you.',
  nothing_to_choose: 'There is nothing to choose here yet.',
};

export const onboarding: Like<typeof ru.onboarding> = {
  ask_code: 'Hello! I am Sputnik, the post-course support assistant for teachers.\n\nPlease send the code of your course; your curator gave it to you.',
  need_code: 'To begin, send the code of your course; your curator gave it to you (for example, FG72-SPRING).',
  code_not_found: 'No course has the code "{code}". Check the code and send it again.',
  cohort_finished: 'Support for the course "{cohortTitle}" has ended. If this is a mistake, write to your curator.',
  welcome: 'You are joining the course "{cohortTitle}". For a year after the course I will remind you of the support stages, send questionnaires and take links to the activities you run.',
  ask_language: 'Which language do you prefer?',
  consent_question:
    'Support needs your consent to process personal data: full name, workplace, region, position, contacts and questionnaire answers. The data is used only for post-course support and the centre\'s reports.\n\nConsent text: {policyUrl}\n\nYou can withdraw consent and delete your data at any time with /delete.\n\nDo you agree?',
  policy_on_request: 'available from your course curator',
  consent_refused: 'Understood. Without consent I cannot keep your data, so nothing was saved. If you change your mind, send the course code again.',
  ask_full_name: 'What is your full name?',
  ask_organisation: 'Which organisation do you work at? For example: School No. 3.',
  ask_region: 'Your region?',
  ask_district: 'District or town?',
  ask_settlement: 'Is your organisation in a town or in a rural area?',
  settlement_urban: 'In a town',
  settlement_rural: 'In a rural area',
  ask_position: 'Your position? For example: teacher, methodologist, deputy head.',
  ask_subject: 'Which subject or field do you teach?',
  done: 'Thank you, {fullName}! You are registered in the course "{cohortTitle}".\n\nYou can return to the menu at any time: write "menu" or /menu.',
  joined_another: 'You have joined the course "{cohortTitle}".',
  already_enrolled: 'You are already in the course "{cohortTitle}".',
  identity_taken: 'This account seems to be linked to another participant already. Please write to the course curator.',
  staff_welcome: 'Hello, {fullName}! You are a curator or tutor of the course "{cohortTitle}".',
};

export const menu: Like<typeof ru.menu> = {
  title: 'What would you like to do?',
  surveys: { one: 'Questionnaires ({count})', other: 'Questionnaires ({count})' },
  activity: 'Report an activity',
  progress: 'My progress',
  consultation: 'I need a consultation',
  language: 'Language / Язык / Тіл',
  reminders_off: 'Turn reminders off',
  reminders_on: 'Turn reminders on',
  delete: 'Delete my data',
  help: 'Help',
  review: 'Activities to review ({count})',
  consultations: 'Consultation requests ({count})',
};

export const questionnaire: Like<typeof ru.questionnaire> = {
  progress: 'Question {n} of {total}',
  summary_title: 'Please check your answers:',
  no_answer: '(skipped)',
  confirm: 'Is everything right? Send the answers?',
  submit: 'Send',
  edit: 'Change an answer',
  which_to_edit: 'Which answer do you want to change? Choose the question number.',
  pick_question_number: 'Send the question number, from 1 to {max}.',
  choose_submit_or_edit: 'Choose "Send" or "Change an answer".',
  thanks: 'Thank you! Your answers are saved.',
  not_available: 'This questionnaire is not available now. Try later or write to your curator.',
  already_completed: 'You have already filled in "{title}". Thank you!',
  resumed: 'Continuing "{title}": {answered} of {total} answered.',
  first_question: 'This is the first question.',
  specify_other: 'Please specify your answer.',
  none_open: 'No questionnaires are waiting for you now. I will send the next one when it is time.',
  choose: 'Which questionnaire do you want to fill in?',
};

export const activity: Like<typeof ru.activity> = {
  ask_cohort: 'Which course is this activity for?',
  no_cohort: 'You are not in any course yet. Send a course code to join.',
  ask_fix_returned: 'Your curator returned the activity "{returnedTitle}" for changes. Fix it now?',
  ask_type: 'What kind of activity did you run?',
  type_open_lesson: 'Open lesson',
  type_master_class: 'Master class',
  type_webinar: 'Webinar',
  type_seminar: 'Seminar',
  type_training: 'Training',
  type_consultation: 'Consultation for colleagues',
  type_contest: 'Contest',
  type_publication: 'Publication',
  type_speech: 'Talk',
  type_other: 'Other',
  ask_level: 'At what level was it?',
  level_school: 'Organisation (school)',
  level_district: 'District (town)',
  level_region: 'Region',
  level_republic: 'Republic (national)',
  ask_date: 'When did it take place? Write the date as dd.mm.yyyy.',
  date_before_year: 'This date is before the post-course year. Activities from {start} to {end} count.',
  date_after_year: 'This date is after the post-course year. Activities from {start} to {end} count.',
  ask_title: 'What was the activity called (topic)?',
  ask_link: 'Send a link to the published materials: a social media post, a page on the school website, a recording.',
  ask_more_links: 'Add another link?',
  ask_note: 'Anything to add for the curator? If not, skip this question.',
  confirm: 'Please check:\n\n{summary}\n\nSend it to the curator?',
  field_type: 'Kind',
  field_level: 'Level',
  field_date: 'Date',
  field_title: 'Topic',
  field_links: 'Links',
  field_note: 'Comment',
  submitted: 'Done! The activity has been sent to your curator for review. I will tell you when it is reviewed.',
  cancelled: 'All right, not sending it. Nothing was saved.',
  notify_curator: 'New activity to review from {teacher} (course "{cohortTitle}"):\n\n{summary}\n\nReview: /review',
  accepted_notice: 'Your curator accepted your activity "{title}". Accepted activities: {accepted} of {required}.',
  returned_notice: 'Your curator returned the activity "{title}" for changes, with the comment:\n"{comment}"\n\nFix it and send it again: /activity',
  no_longer_returned: 'This activity is no longer waiting for changes.',
};

export const review: Like<typeof ru.review> = {
  none: 'No activities are waiting for review.',
  item: 'Activity from {teacher} (course "{cohortTitle}"):\n\n{summary}\n\nYour decision?',
  accept: 'Accept',
  return: 'Return for changes',
  skip: 'Skip',
  stop: 'Stop reviewing',
  ask_comment: 'Write a comment for the teacher: what needs fixing?',
  accepted: 'Accepted. The teacher has been notified.',
  returned: 'Returned with your comment. The teacher has been notified.',
  already_decided: 'Another reviewer has already decided on this activity.',
  done: 'Review finished.',
};

export const progress: Like<typeof ru.progress> = {
  header: 'Course "{cohortTitle}"',
  year: 'Post-course year: {start} to {end}',
  stage: 'Stage {stage} of 3: {stageName}',
  stage_1: 'plan of activities',
  stage_2: 'carrying out the plan and publishing materials',
  stage_3: 'presenting results',
  activities: 'Accepted activities: {accepted} of {required}',
  pending: 'Under review: {count}',
  returned: 'Returned for changes: {count}',
  goal_met: 'The goal for the year is met. Thank you!',
  surveys: 'Questionnaires waiting for you: {list}',
  surveys_none: 'No questionnaires are waiting for you.',
  no_cohort: 'You are not in any course yet. Send a course code to join.',
};

export const consultation: Like<typeof ru.consultation> = {
  ask_cohort: 'Which course is the consultation about?',
  ask_topic: 'What topic do you need a consultation on?',
  topic_methods: 'Teaching methods and technologies',
  topic_assessment: 'Assessment',
  topic_planning: 'Activity plan and support stages',
  topic_publication: 'Preparing a publication or a talk',
  topic_digital: 'Digital tools',
  ask_description: 'Please describe your question in more detail.',
  opened: 'Your request has been passed to the course tutor. The answer will come here, in this chat.',
  opened_unassigned: 'Your request is saved. The course has no tutor yet, so the centre will contact you.',
  notify_assignee: 'New consultation request from {teacher} (course "{cohortTitle}")\nTopic: {topic}\n\n{description}\n\nAnswer: /consultations',
  answer_notice: 'Answer to your request "{topic}":\n\n{answer}',
  closed_notice: 'Your request "{topic}" is closed. If you have more questions, create a new one: /consult',
};

export const consultations: Like<typeof ru.consultations> = {
  none: 'No open consultation requests.',
  item: 'Request from {teacher} (course "{cohortTitle}")\nTopic: {topic}\n\n{description}\n\nWhat shall we do?',
  answer: 'Answer',
  close: 'Close the request',
  skip: 'Skip',
  stop: 'Finish',
  ask_answer: 'Write your answer; I will forward it to the teacher.',
  answered: 'The answer has been sent to the teacher.',
  ask_close: 'Close the request?',
  closed: 'Request closed; the teacher has been notified.',
  done: 'Done.',
};

export const account: Like<typeof ru.account> = {
  ask_language: 'Choose your language:',
  lang_ru: 'Русский',
  lang_kk: 'Қазақша',
  lang_en: 'English',
  language_set: 'Done: I will write in English now.',
  reminders_off: 'Reminders are off. Questionnaires and the menu are still here: /menu. You can turn reminders back on in the menu.',
  reminders_on: 'Reminders are on again.',
  delete_confirm:
    'Delete your data? Your name, contacts, workplace and position will be deleted. Questionnaire answers stay only in anonymous form, for statistics. Deletion cannot be undone.',
  deleted: 'Your data has been deleted. Thank you for being with us! If you want to come back, send the course code.',
  delete_kept: 'All right, nothing is deleted.',
  help:
    'I am Sputnik: I help during the year after a professional development course.\n\n/menu — menu\n/surveys — questionnaires\n/activity — report an activity you ran (open lesson, master class, webinar, publication…)\n/progress — my progress: stage and accepted activities (at least three a year)\n/consult — ask a tutor for a consultation\n/language — language\n/stop — turn reminders off\n/delete — delete my data\n\nIn any question you can write "back", or "skip" if the question is optional.',
  help_staff: 'For curators and tutors:\n/review — activities to review\n/consultations — consultation requests',
};

export const group: Like<typeof ru.group> = {
  welcome: 'Welcome to the group of the course "{title}"! To get questionnaires and send links to your activities, write the course code to the bot in a private chat: {code}',
};

// The questionnaires module: survey definitions as validated data, and reading answers to them.
// Plain TypeScript; only loadQuestionnaires touches the file system.
export type {
  AnswerInput,
  AnswerValue,
  ChoiceOption,
  Condition,
  ConditionValue,
  DateQuestion,
  LikertQuestion,
  LinkQuestion,
  Locale,
  LocalizedText,
  LongTextQuestion,
  MultipleChoiceQuestion,
  NumberQuestion,
  ParseContext,
  ParseResult,
  Question,
  QuestionBase,
  QuestionInput,
  Questionnaire,
  QuestionnaireCatalog,
  QuestionType,
  RankingQuestion,
  ShortTextQuestion,
  SingleChoiceQuestion,
  ValidationKey,
  YesNoQuestion,
} from './model.js';
export { forModel, OTHER_OPTION_ID } from './model.js';
export {
  displayAnswer,
  keepsAfterDeletion,
  OTHER_TEXT_MAX_LENGTH,
  parseAnswer,
  parseOtherText,
  questionInput,
} from './answers.js';
export { effectiveAnswers, isVisible, nextQuestion, previousQuestion } from './conditions.js';
export { isQuestionType, QUESTION_SCHEMAS, QUESTION_TYPES } from './handlers.js';
export { createCatalog, loadQuestionnaires } from './loader.js';
export { parseQuestionnaire } from './parse.js';
export { problemWords, wordProblem, type ContentProblem } from './problems.js';
export { localized } from './text.js';
export { translationCoverage } from './coverage.js';

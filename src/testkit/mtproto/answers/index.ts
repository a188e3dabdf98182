import type { AnswerTable } from './answer.js'
import { AUTH_ANSWERS } from './auth-answers.js'
import { FILE_ANSWERS } from './file-answers.js'
import { HELP_ANSWERS } from './help-answers.js'
import { MESSAGE_ANSWERS } from './message-answers.js'
import { USER_ANSWERS } from './user-answers.js'

export type { Answer, AnswerContext, AnswerTable } from './answer.js'

/** The methods the default handler builds TL answers for; others get TESTKIT_METHOD_UNSUPPORTED. */
export const ANSWERS: AnswerTable = {
  ...HELP_ANSWERS,
  ...AUTH_ANSWERS,
  ...USER_ANSWERS,
  ...MESSAGE_ANSWERS,
  ...FILE_ANSWERS,
}

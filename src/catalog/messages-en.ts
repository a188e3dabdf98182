/**
 * The English messages for when the catalogue has no sentence for an error: `@field` when the type
 * names an input field, `@<CATEGORY>` by the code's category, `@default` otherwise. Other locales
 * may define the same keys.
 */
export const ENGLISH_FALLBACKS: Readonly<Record<string, string>> = {
  '@field': 'Please check the {field} and try again.',
  '@SEE_OTHER': 'Please try again.',
  '@BAD_REQUEST': 'This action could not be completed.',
  '@UNAUTHORIZED': 'Your session has ended. Please log in again.',
  '@FORBIDDEN': 'You are not allowed to do this.',
  '@NOT_FOUND': 'This could not be found.',
  '@FLOOD': 'Too many attempts. Please wait a little and try again.',
  '@INTERNAL': 'Telegram is having trouble right now. Please try again later.',
  '@default': 'Something went wrong. Please try again.',
}

import type { Explanation } from '../catalog/index.js'
import { actionText, scopeText } from './describe-action.js'
import type { Style } from './style.js'

/** How many methods to print before "and N more": the long lists help nobody at 3 a.m. */
const SHOWN_METHODS = 8

function label(style: Style, text: string): string {
  return style.dim(`${text}:`.padEnd(15))
}

/** An explanation as lines for a person: the meaning first, then what to do. */
export function renderExplanation(explanation: Explanation, style: Style): string[] {
  const heading = explanation.type ?? explanation.name
  const status = explanation.known ? style.green('known') : style.yellow('not in the catalogue')
  const lines = [
    `${style.bold(heading || '(no type)')}  ${explanation.code} ${explanation.category}, ${status}`,
    `  ${label(style, 'Meaning')}${explanation.summary}`,
  ]
  if (explanation.known && explanation.name !== heading)
    lines.push(`  ${label(style, 'Template')}${explanation.name}`)
  for (const param of explanation.params) {
    const value = explanation.values[param.name]
    const shown = value === undefined ? '' : `${value} `
    const unit = param.unit === undefined ? '' : ` [${param.unit}]`
    lines.push(`  ${label(style, 'Parameter')}${param.name} = ${shown}(${param.meaning})${unit}`)
  }
  lines.push(`  ${label(style, 'Action')}${style.cyan(actionText(explanation.action))}`)
  const scope = scopeText(explanation)
  if (scope !== undefined) lines.push(`  ${label(style, 'Scope')}${scope}`)
  if (explanation.field !== undefined) lines.push(`  ${label(style, 'Field')}${explanation.field}`)
  if (explanation.userMessage !== undefined)
    lines.push(`  ${label(style, 'User message')}${explanation.userMessage}`)
  if (explanation.codes.length > 1)
    lines.push(`  ${label(style, 'Also seen as')}${explanation.codes.join(', ')}`)
  if (explanation.anyMethod) lines.push(`  ${label(style, 'Methods')}any`)
  else if (explanation.methods.length > 0) {
    const shown = explanation.methods.slice(0, SHOWN_METHODS).join(', ')
    const more = explanation.methods.length - SHOWN_METHODS
    lines.push(`  ${label(style, 'Methods')}${shown}${more > 0 ? `, and ${more} more` : ''}`)
  }
  return lines
}

import { configObject } from '../world-objects.js'
import type { AnswerTable } from './answer.js'

/** `help.*`: the configuration points at the cluster's own ports. */
export const HELP_ANSWERS: AnswerTable = {
  'help.getConfig': ({ state, call, nowSeconds }) => ({
    result: configObject(state.dcs, call.dcId, nowSeconds),
  }),
  'help.getNearestDc': ({ call }) => ({
    result: { _: 'nearestDc', country: 'ZZ', thisDc: call.dcId, nearestDc: call.dcId },
  }),
}

import { ANYONE, type MethodTable, ok } from './method-spec.js'

/** `help.*`: what a client asks before it is logged in. */
export const HELP_METHODS: MethodTable = {
  'help.getConfig': {
    ...ANYONE,
    run: (state, call) => ok({ thisDc: call.dcId, dcIds: state.dcIds }),
  },
  'help.getNearestDc': { ...ANYONE, run: (_state, call) => ok({ thisDc: call.dcId, nearestDc: call.dcId }) },
}

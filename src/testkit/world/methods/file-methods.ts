import { ANY_AUTHORIZED_DC, fail, type MethodTable, ok } from './method-spec.js'

/** What lives on one DC only: files and channel statistics (FILE_MIGRATE_X, STATS_MIGRATE_X elsewhere). */
export const FILE_METHODS: MethodTable = {
  'upload.getFile': {
    // Files may be read on any DC the account is authorized on, but only where they are stored.
    ...ANY_AUTHORIZED_DC,
    run: (state, call) => {
      const dcId = state.fileDc(String(call.params.location))
      if (dcId === undefined) return fail(400, 'LOCATION_INVALID')
      if (dcId !== call.dcId) return fail(303, `FILE_MIGRATE_${dcId}`)
      const limit = Number(call.params.limit ?? 1024)
      return ok({ bytes: limit, offset: Number(call.params.offset ?? 0) })
    },
  },
  'stats.getBroadcastStats': {
    ...ANY_AUTHORIZED_DC,
    run: (state, call) => {
      const channel = String(call.params.channel)
      const dcId = state.statsDcs[channel]
      if (dcId === undefined) return fail(400, 'CHANNEL_INVALID')
      if (dcId !== call.dcId) return fail(303, `STATS_MIGRATE_${dcId}`)
      return ok({ channel })
    },
  },
}

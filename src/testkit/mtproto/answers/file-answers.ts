import { type AnswerTable, error } from './answer.js'

/** Downloads: the world has checked the file lives on this DC; the part bounds are TL's. */
export const FILE_ANSWERS: AnswerTable = {
  'upload.getFile': ({ state, call }) => {
    const file = state.files.get(call.dcId)
    if (!file) return error(400, 'LOCATION_INVALID')
    const offset = Number(call.params.offset)
    const limit = Number(call.params.limit)
    // upload.getFile's documented bounds: parts of whole KiB, at most 1 MiB, at KiB offsets.
    if (!(limit > 0 && limit <= 1 << 20 && limit % 1024 === 0)) return error(400, 'LIMIT_INVALID')
    if (!(offset >= 0 && offset % 1024 === 0)) return error(400, 'OFFSET_INVALID')
    return {
      result: {
        _: 'upload.file',
        type: { _: 'storage.filePartial' },
        mtime: 0,
        bytes: file.bytes.subarray(
          Math.min(offset, file.bytes.length),
          Math.min(offset + limit, file.bytes.length),
        ),
      },
    }
  },
}

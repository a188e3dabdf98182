import { describe, expectTypeOf, it } from 'vitest'
import { type KnownTemplate, RpcError } from '../../src/error/index.js'

describe('generated templates drive RpcError.is() narrowing', () => {
  it('narrows params by template', () => {
    const error: unknown = RpcError.from(
      420,
      'FLOOD_WAIT_%d_OR_STARS_%d'.replace('%d', '3').replace('%d', '9'),
    )
    if (RpcError.is(error, 'FLOOD_WAIT_%d_OR_STARS_%d')) {
      expectTypeOf(error.params.seconds).toEqualTypeOf<number>()
      expectTypeOf(error.params.stars).toEqualTypeOf<number>()
    }
    if (RpcError.is(error, 'STORY_SEND_FLOOD_WEEKLY_%d'))
      expectTypeOf(error.params.timestamp).toEqualTypeOf<number>()
    expectTypeOf<'CHAT_SEND_PLAIN_FORBIDDEN'>().toExtend<KnownTemplate>()
    expectTypeOf<'STORY_SEND_FLOOD_WEEKLY_%d'>().toExtend<KnownTemplate>()
  })
})

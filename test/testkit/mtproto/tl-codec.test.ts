import { __tlReaderMap, __tlWriterMap } from '@mtcute/core/utils.js'
import { TlBinaryReader, TlBinaryWriter } from '@mtcute/tl-runtime'
import bigInt from 'big-integer'
import Long from 'long'
import { Api } from 'telegram'
import { BinaryReader } from 'telegram/extensions/BinaryReader.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { TlCodec, type TlObject } from '../../../src/testkit/mtproto/tl-codec.js'
import { buildReaderMap, buildWriterMap } from '../../../src/testkit/mtproto/tl-maps.js'
import { gramjsApiSchema, mtcuteApiSchema, parseTlText } from '../../../src/testkit/mtproto/tl-schema.js'
import {
  configObject,
  messagesObject,
  userObject,
  type WorldUser,
} from '../../../src/testkit/mtproto/world-objects.js'

const user: WorldUser = {
  id: 1020001,
  accessHash: Long.fromString('1234567890123'),
  firstName: 'Test',
  username: 'test9996620001',
  phone: '9996620001',
  bot: false,
}
const dcs = [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 40000 + id }))

/** Objects in mtcute's shape, covering flags, flags2, vectors, nested objects, int53, long, bytes. */
const samples: TlObject[] = [
  configObject(dcs, 2, 1_700_000_000),
  userObject(user, true, 1_700_000_000),
  messagesObject(
    [{ id: 1, fromId: 1, peerId: 1, out: true, date: 5, text: 'hi' }],
    [userObject(user, false, 5)],
  ),
  { _: 'upload.file', type: { _: 'storage.filePartial' }, mtime: 0, bytes: new Uint8Array(300).fill(9) },
  { _: 'auth.sentCode', type: { _: 'auth.sentCodeTypeApp', length: 5 }, phoneCodeHash: 'abc', timeout: 30 },
]

let codec: TlCodec
beforeAll(() => {
  codec = new TlCodec()
})

describe('maps generated from a schema', () => {
  it('write the same bytes as the maps mtcute ships, for its own layer', () => {
    const generated = buildWriterMap(mtcuteApiSchema().entries)
    for (const sample of samples) {
      expect(TlBinaryWriter.serializeObject(generated, sample)).toEqual(
        TlBinaryWriter.serializeObject(__tlWriterMap, sample),
      )
    }
  })

  it('read back the same objects as the maps mtcute ships', () => {
    const generated = buildReaderMap(mtcuteApiSchema().entries)
    for (const sample of samples) {
      const bytes = TlBinaryWriter.serializeObject(__tlWriterMap, sample)
      expect(TlBinaryReader.deserializeObject(generated, bytes)).toEqual(
        TlBinaryReader.deserializeObject(__tlReaderMap, bytes),
      )
    }
  })

  it('parse TL text with flags, vectors, bare vectors, bare types and generics', () => {
    const [entry, method] = parseTlText(
      'a#1 flags:# b:flags.2?true c:Vector<long> d:vector<%Foo> e:flags2.0?int = A;\n---functions---\nf#ff {X:Type} q:!X = X;',
    )
    expect(entry).toMatchObject({ kind: 'class', name: 'a', id: 1, type: 'A' })
    expect(entry!.arguments).toEqual([
      { name: 'flags', type: '#' },
      { name: 'b', type: 'true', typeModifiers: { predicate: 'flags.2' } },
      { name: 'c', type: 'long', typeModifiers: { isVector: true } },
      { name: 'd', type: 'Foo', typeModifiers: { isBareVector: true, isBareType: true } },
      { name: 'e', type: 'int', typeModifiers: { predicate: 'flags2.0' } },
    ])
    expect(method).toMatchObject({
      kind: 'method',
      name: 'f',
      id: 255,
      arguments: [{ name: 'q', type: '!X' }],
    })
  })
})

describe('TlCodec', () => {
  it('knows both layers: mtcute 0.30 (227) and GramJS 2.26 (198)', () => {
    expect(codec.layers).toEqual([gramjsApiSchema()!.layer, mtcuteApiSchema().layer])
    expect(codec.layers).toEqual([198, 227])
  })

  it('reads GramJS requests, wrappers included, into mtcute-shaped objects', () => {
    const request = new Api.InvokeWithLayer({
      layer: 198,
      query: new Api.InitConnection({
        apiId: 7,
        deviceModel: 'd',
        systemVersion: 's',
        appVersion: 'a',
        systemLangCode: 'en',
        langPack: '',
        langCode: 'en',
        query: new Api.messages.SendMessage({
          peer: new Api.InputPeerSelf(),
          message: 'hi',
          randomId: bigInt(77),
        }),
      }),
    })
    const decoded = codec.decode(new Uint8Array(request.getBytes()))
    expect(decoded).toMatchObject({
      _: 'invokeWithLayer',
      layer: 198,
      query: { _: 'initConnection', apiId: 7 },
    })
    const send = (decoded.query as TlObject).query as TlObject
    expect(send).toMatchObject({ _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: 'hi' })
    expect((send.randomId as Long).toString()).toBe('77')
  })

  it('answers GramJS in its layer: config, a user whose layout changed since, a vector', () => {
    const config = new BinaryReader(
      Buffer.from(codec.encodeResult('help.getConfig', samples[0], 198)),
    ).tgReadObject()
    expect(config).toBeInstanceOf(Api.Config)
    expect(config.dcOptions.map((dc: Api.DcOption) => dc.port)).toEqual([40001, 40002, 40003])

    const users = codec.encodeResult('users.getUsers', [samples[1]], 198)
    // readResult is an instance method at run time; GramJS's typings declare it static.
    const request = new Api.users.GetUsers({ id: [] }) as unknown as {
      readResult(r: BinaryReader): Api.TypeUser[]
    }
    const read = request.readResult(new BinaryReader(Buffer.from(users)))
    expect(read[0]).toBeInstanceOf(Api.User)
    expect(read[0]).toMatchObject({ firstName: 'Test', username: 'test9996620001', self: true })
    // user#4b46c37e (198) and user#31774388 (227) are different constructors.
    expect(Buffer.from(users).readUInt32LE(8)).toBe(0x4b46c37e)
    expect(Buffer.from(codec.encodeResult('users.getUsers', [samples[1]], 227)).readUInt32LE(8)).toBe(
      0x31774388,
    )
  })

  it('answers a layer it does not have in the newest one not above it', () => {
    const idAt = (layer: number | undefined) =>
      Buffer.from(codec.encodeObject(samples[1]!, layer)).readUInt32LE(0).toString(16)
    expect(idAt(198)).toBe('4b46c37e')
    expect(idAt(220)).toBe('4b46c37e')
    expect(idAt(300)).toBe('31774388')
    expect(idAt(undefined)).toBe('31774388')
    expect(idAt(100)).toBe('4b46c37e')
  })

  it('writes Bool results and refuses objects a layer lacks the fields for', () => {
    expect(Buffer.from(codec.encodeResult('auth.logOut', true, 227)).readUInt32LE(0)).toBe(0x997275b5)
    expect(() => codec.encodeResult('help.getConfig', { _: 'config' }, 198)).toThrow(/missing required field/)
  })
})

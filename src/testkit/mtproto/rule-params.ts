import type { MtprotoCall } from './call-handler.js'
import type { TlState } from './tl-state.js'
import type { WorldUser } from './world-objects.js'

/**
 * An MTProto call's parameters in the names and shapes the shared world reads: the TL schema's
 * snake_case names, the export token as text, a peer as a stable key (so `peer`-scoped flood rules
 * count per chat) and a file location as the world's `file-<id>`.
 */
export function ruleParams(
  call: MtprotoCall,
  user: WorldUser | undefined,
  state: TlState,
): Record<string, unknown> {
  const p = call.params
  switch (call.method) {
    case 'auth.sendCode':
      return { phone_number: p.phoneNumber }
    case 'auth.signIn':
      return { phone_number: p.phoneNumber, phone_code_hash: p.phoneCodeHash, phone_code: p.phoneCode }
    case 'auth.importBotAuthorization':
      return { bot_auth_token: p.botAuthToken }
    case 'auth.exportAuthorization':
      return { dc_id: p.dcId }
    case 'auth.importAuthorization':
      return { bytes: p.bytes instanceof Uint8Array ? new TextDecoder().decode(p.bytes) : '' }
    case 'contacts.resolveUsername':
      return { username: p.username }
    case 'messages.sendMessage':
      return { peer: peerKey(p.peer, user), message: p.message }
    case 'messages.getHistory':
      return { peer: peerKey(p.peer, user), limit: p.limit }
    case 'upload.getFile':
      return { location: state.locationKey(p.location), offset: p.offset, limit: p.limit }
    default:
      return {}
  }
}

/** A stable key for a peer. */
function peerKey(peer: unknown, self: WorldUser | undefined): string {
  const input = peer as { _?: string; userId?: unknown } | undefined
  if (input?._ === 'inputPeerSelf') return `user:${self?.id}`
  return input?._ === 'inputPeerUser' ? `user:${String(input.userId)}` : String(input?._)
}

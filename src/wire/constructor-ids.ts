/**
 * The TL constructor ids this module reads and writes, as unsigned 32-bit numbers (the wire holds
 * them little-endian). Names follow the MTProto schema.
 */
export const CONSTRUCTOR_IDS = {
  rpc_result: 0xf35c6d01,
  rpc_error: 0x2144ca19,
  gzip_packed: 0x3072cfa1,
  msg_container: 0x73f1f8dc,
  bad_msg_notification: 0xa7eff811,
  bad_server_salt: 0xedab447b,
} as const

/** The schema name of a constructor id above. */
export type ConstructorName = keyof typeof CONSTRUCTOR_IDS

/** `#f35c6d01`: the form the schema and error messages use for an id. */
export function formatConstructorId(id: number): string {
  return `#${(id >>> 0).toString(16).padStart(8, '0')}`
}

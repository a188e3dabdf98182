import fc from 'fast-check'
import { expect } from 'vitest'

/** Any JS value, with the ones that used to mislead made frequent. */
export const anyValue = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -1,
    -0,
    0,
    0.5,
    1,
    3,
    2 ** 31,
    1e300,
    '5000',
    '',
    null,
    true,
    false,
    5000n,
    Symbol('x'),
    () => 1,
  ),
  fc.double(),
  fc.integer(),
)

/**
 * `build` either throws a TypeError or RangeError that names `owner` and `name` in a short
 * message, or returns something `use` shows to work. Nothing else is allowed.
 */
export async function checkedOrWorks<T>(
  owner: string,
  name: string,
  build: () => T | Promise<T>,
  use: (built: T) => unknown,
): Promise<void> {
  let built: T
  try {
    built = await build()
  } catch (error) {
    expect([TypeError, RangeError]).toContain((error as Error).constructor)
    expect((error as Error).message).toContain(`${owner}: ${name}`)
    expect((error as Error).message.length).toBeLessThan(400)
    return
  }
  await use(built)
}

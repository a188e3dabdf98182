/**
 * The version of this library, written into diagnostic reports. Kept equal to `package.json` by a
 * test, because the core may not read files at run time (it runs in browsers too).
 */
export const VERSION = '0.1.0'

/**
 * Measures what the catalogue costs a bundle: each scenario imports from the package root (as a
 * user would), is bundled and minified by esbuild with tree-shaking, then gzipped.
 *   tsx scripts/measure-bundle.ts           prints a Markdown table
 *   tsx scripts/measure-bundle.ts --json    prints the numbers as JSON
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** What each scenario imports and uses; using the import keeps it from being shaken out. */
export const SCENARIOS: Readonly<Record<string, string>> = {
  'error model alone (no catalogue in the graph)': `import { RpcError } from './src/error/index.js'
console.log(RpcError.from(420, 'FLOOD_WAIT_30').params)`,
  'core only (RpcError)': `import { RpcError } from './src/index.js'
console.log(RpcError.from(420, 'FLOOD_WAIT_30').params)`,
  'core + actions (actionOf)': `import { RpcError, actionOf } from './src/index.js'
console.log(actionOf(RpcError.from(420, 'FLOOD_WAIT_30').template ?? ''))`,
  'core + catalogue (explain)': `import { RpcError, explain } from './src/index.js'
console.log(explain(RpcError.from(420, 'FLOOD_WAIT_30')).summary)`,
}

/** Size of one scenario, in bytes, minified and gzipped. */
export interface BundleSize {
  readonly scenario: string
  readonly minifiedBytes: number
  readonly gzippedBytes: number
}

/** Bundles one entry the way a user's bundler would; returns the minified code. */
export async function bundle(contents: string): Promise<Uint8Array> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]?.contents ?? new Uint8Array()
}

async function measure(scenario: string, contents: string): Promise<BundleSize> {
  const code = await bundle(contents)
  return { scenario, minifiedBytes: code.byteLength, gzippedBytes: gzipSync(code, { level: 9 }).byteLength }
}

/** Measures every scenario. */
export async function measureAll(): Promise<BundleSize[]> {
  const sizes: BundleSize[] = []
  for (const [scenario, contents] of Object.entries(SCENARIOS)) sizes.push(await measure(scenario, contents))
  return sizes
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await measureAll()
  if (process.argv.includes('--json')) console.log(JSON.stringify(sizes, null, 2))
  else {
    console.log('| entry | minified | minified + gzip |\n|---|---:|---:|')
    for (const s of sizes) console.log(`| ${s.scenario} | ${kb(s.minifiedBytes)} | ${kb(s.gzippedBytes)} |`)
  }
}

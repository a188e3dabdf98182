/**
 * Generates the catalogue's TypeScript tables from `data/errors.yaml`.
 *   tsx scripts/generate-catalog.ts          writes the files
 *   tsx scripts/generate-catalog.ts --check  writes nothing; exits 1 when a file is stale (CI)
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CatalogDataError, parseCatalogData } from './catalog/catalog-data.js'
import { type GeneratedFiles, renderCatalog } from './catalog/render.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Renders the generated files from the data file in `repoRoot`, without writing anything. */
export function generate(repoRoot: string = root): GeneratedFiles {
  return renderCatalog(parseCatalogData(readFileSync(join(repoRoot, 'data/errors.yaml'), 'utf8')))
}

/** The generated files whose content on disk differs from what the data file gives. */
export function staleFiles(repoRoot: string = root): string[] {
  const files = generate(repoRoot)
  return Object.keys(files).filter((path) => {
    try {
      return readFileSync(join(repoRoot, path), 'utf8') !== files[path]
    } catch {
      return true
    }
  })
}

function main(): number {
  const check = process.argv.includes('--check')
  try {
    if (check) {
      const stale = staleFiles()
      if (stale.length === 0) return 0
      console.error(`Stale generated files (run \`npm run generate\`):\n  ${stale.join('\n  ')}`)
      return 1
    }
    for (const [path, content] of Object.entries(generate())) writeFileSync(join(root, path), content)
    return 0
  } catch (error) {
    if (error instanceof CatalogDataError) {
      console.error(error.message)
      return 1
    }
    throw error
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1])
  process.exitCode = main()

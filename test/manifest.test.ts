import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'
import { entries } from '../tsup.config.js'

interface Manifest {
  exports: Record<string, unknown>
  files: string[]
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest
// tsconfig.json is JSON without comments here; a comment would make this throw, not pass.
const tsconfig = JSON.parse(readFileSync('tsconfig.json', 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> }
}

/** The subpaths users import, without the manifest itself. */
const subpaths = Object.keys(manifest.exports).filter((key) => key !== './package.json')

/** Whether the `files` field ships a path (a folder entry ships what is under it; `!` excludes). */
function shipped(path: string): boolean {
  let included = path === 'package.json' || path === 'LICENSE' || path === 'README.md'
  for (const pattern of manifest.files) {
    const negated = pattern.startsWith('!')
    const base = negated ? pattern.slice(1) : pattern
    if (path === base || path.startsWith(`${base}/`)) included = !negated
  }
  return included
}

/** Relative link targets in a markdown file, as paths from the repository root. */
function relativeLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => normalize(join(dirname(file), target)))
}

describe('the package manifest', () => {
  it('maps each subpath export, in the repository, to the source its tsup entry builds', () => {
    for (const subpath of subpaths) {
      const name = subpath === '.' ? 'mtproto-errors' : `mtproto-errors/${subpath.slice(2)}`
      const exported = (manifest.exports[subpath] as { import: { default: string } }).import.default
      const entry = exported.replace(/^\.\/dist\//, '').replace(/\.js$/, '') as keyof typeof entries
      expect(entries[entry], subpath).toBeDefined()
      // The examples import the package by name; tsconfig paths point those names at src/.
      expect(tsconfig.compilerOptions.paths[name], name).toEqual([`./${entries[entry]}`])
    }
    expect(Object.keys(tsconfig.compilerOptions.paths)).toHaveLength(subpaths.length)
  })

  it('ships every file the README, BENCHMARKS.md and the docs link to, so the links work from node_modules', () => {
    // BENCHMARKS.md ships with the README that links to it; its timelines stay in the repository
    // (540 KB of SVG), so it links to them there by absolute address.
    const documents = ['README.md', 'BENCHMARKS.md', ...readdirSync('docs').map((file) => join('docs', file))]
    const links = documents.flatMap((document) => relativeLinks(document).map((target) => [document, target]))
    expect(links.length).toBeGreaterThan(10)
    for (const [document, target] of links) {
      expect(existsSync(target!), `${document} links to ${target}, which does not exist`).toBe(true)
      expect(shipped(target!), `${document} links to ${target}, which is not in "files"`).toBe(true)
    }
  })
})

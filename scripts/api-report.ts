/**
 * Writes the API report of every package entry point to `api/<entry>.api.md` (`npm run api`), or
 * checks that the committed reports still match the code (`npm run check:api`, in CI), so that a
 * change of the public surface shows in review as a diff of these files.
 *
 * Each report lists every exported name with the type the compiler sees for it: a signature change
 * shows even where the source text of the export line does not. It reads the sources with the
 * project's own TypeScript, so it needs no build and handles every entry in one run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { entries } from '../tsup.config.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = join(root, 'api')
/** Entries with no exports of their own (the CLI's bin) have nothing to report. */
const SKIPPED = new Set(['cli/main'])

const FORMAT =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType |
  ts.TypeFormatFlags.WriteArrayAsGenericType

function entryFiles(): Array<[string, string]> {
  return Object.entries(entries)
    .filter(([name]) => !SKIPPED.has(name))
    .map(([name, file]) => [name.replace(/\/index$/, ''), join(root, file)])
}

function isRuntime(symbol: ts.Symbol): boolean {
  return (symbol.flags & ts.SymbolFlags.Value) !== 0
}

/** A property nobody may assign: declared `readonly`, or an accessor with no setter. */
function isReadonly(member: ts.Symbol): boolean {
  if (member.flags & ts.SymbolFlags.GetAccessor && !(member.flags & ts.SymbolFlags.SetAccessor)) return true
  return (member.declarations ?? []).some(
    (declaration) => (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Readonly) !== 0,
  )
}

/** Whether `member` is declared in `owner` itself, not inherited from a base (e.g. `Error`'s statics). */
function declaredIn(member: ts.Symbol, owner: ts.Symbol): boolean {
  const own = new Set(owner.declarations ?? [])
  return (member.declarations ?? []).some((declaration) => own.has(declaration.parent as ts.Declaration))
}

function membersOf(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): string[] {
  const lines: string[] = []
  for (const member of checker.getPropertiesOfType(type)) {
    const declaration = member.valueDeclaration ?? member.declarations?.[0]
    if (
      declaration !== undefined &&
      ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.NonPublicAccessibilityModifier
    ) {
      continue
    }
    if (member.name.startsWith('#') || member.name.startsWith('__')) continue
    const optional = member.flags & ts.SymbolFlags.Optional ? '?' : ''
    const memberType = checker.getTypeOfSymbolAtLocation(member, at)
    const prefix = isReadonly(member) ? 'readonly ' : ''
    lines.push(`    ${prefix}${member.name}${optional}: ${checker.typeToString(memberType, at, FORMAT)}`)
  }
  for (const signature of type.getCallSignatures()) {
    lines.push(`    ${checker.signatureToString(signature, at, FORMAT)}`)
  }
  return lines
}

/** One exported name, as the compiler sees it. */
function describe(checker: ts.TypeChecker, exported: ts.Symbol): string {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
  const declaration = symbol.declarations?.[0]
  const name = exported.name
  if (declaration === undefined) return `- ${name}`
  const parts: string[] = []
  if (symbol.flags & ts.SymbolFlags.Class) {
    const classType = checker.getDeclaredTypeOfSymbol(symbol)
    const staticType = checker.getTypeOfSymbolAtLocation(symbol, declaration)
    const constructors = staticType
      .getConstructSignatures()
      .map((s) => `    new${checker.signatureToString(s, declaration, FORMAT)}`)
    const statics = checker
      .getPropertiesOfType(staticType)
      .filter((p) => p.name !== 'prototype' && !p.name.startsWith('__') && declaredIn(p, symbol))
      .map(
        (p) =>
          `    static ${p.name}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(p, declaration), declaration, FORMAT)}`,
      )
    parts.push(`class ${name}`, ...constructors, ...statics, ...membersOf(checker, classType, declaration))
  } else if (symbol.flags & ts.SymbolFlags.Function) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration)
    for (const signature of type.getCallSignatures()) {
      parts.push(`function ${name}${checker.signatureToString(signature, declaration, FORMAT)}`)
    }
  } else if (symbol.flags & ts.SymbolFlags.Variable) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration)
    parts.push(`const ${name}: ${checker.typeToString(type, declaration, FORMAT)}`)
  } else if (symbol.flags & ts.SymbolFlags.Interface) {
    parts.push(
      `interface ${name}`,
      ...membersOf(checker, checker.getDeclaredTypeOfSymbol(symbol), declaration),
    )
  } else if (symbol.flags & ts.SymbolFlags.TypeAlias) {
    const type = checker.getDeclaredTypeOfSymbol(symbol)
    const text = checker.typeToString(type, declaration, FORMAT | ts.TypeFormatFlags.InTypeAlias)
    parts.push(`type ${name} = ${text}`)
  } else {
    parts.push(`${ts.SymbolFlags[symbol.flags] ?? 'symbol'} ${name}`)
  }
  return `- ${parts.join('\n')}`
}

/** The report of one entry point, as Markdown. */
function report(checker: ts.TypeChecker, program: ts.Program, entry: string, file: string): string {
  const source = program.getSourceFile(file)
  if (source === undefined) throw new Error(`entry ${entry}: ${file} is not in the program`)
  const moduleSymbol = checker.getSymbolAtLocation(source)
  const exported = moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol)
  const sorted = [...exported].sort((a, b) => a.name.localeCompare(b.name))
  const runtime = sorted.filter((s) =>
    isRuntime(s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s),
  )
  const importPath = entry === 'index' ? 'mtproto-errors' : `mtproto-errors/${entry}`
  return [
    `# API report: \`${importPath}\``,
    '',
    `Generated by \`npm run api\`; checked by \`npm run check:api\`. Do not edit by hand.`,
    '',
    `${sorted.length} exported names: ${runtime.length} runtime, ${sorted.length - runtime.length} types only.`,
    '',
    '```ts',
    ...sorted.map((symbol) => describe(checker, symbol)),
    '```',
    '',
  ].join('\n')
}

function main(): void {
  const check = process.argv.includes('--check')
  const files = entryFiles()
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      },
    },
  )
  if (config === undefined) throw new Error('cannot read tsconfig.json')
  const program = ts.createProgram({
    rootNames: files.map(([, file]) => file),
    options: config.options,
  })
  const checker = program.getTypeChecker()
  mkdirSync(outDir, { recursive: true })
  const stale: string[] = []
  for (const [entry, file] of files) {
    // Types of packages the entry does not import by name print as import("<absolute path>"):
    // written relative to the repository, so that the report is the same in every clone.
    const text = report(checker, program, entry, file).replaceAll(`import("${root}/`, 'import("')
    const target = join(outDir, `${entry.replace(/\//g, '-')}.api.md`)
    if (check) {
      let committed = ''
      try {
        committed = readFileSync(target, 'utf8')
      } catch {
        // A missing report is as stale as a different one.
      }
      if (committed !== text) stale.push(relative(root, target))
    } else {
      writeFileSync(target, text)
    }
  }
  if (stale.length > 0) {
    console.error(`API report out of date (run \`npm run api\` and commit):\n  ${stale.join('\n  ')}`)
    process.exitCode = 1
  }
}

main()

import { testBotToken, testLoginCode, testPhone } from '../../testkit/mtproto/test-accounts.js'
import { startCluster } from '../../testkit/start-cluster.js'
import type { CommandSpec, ParsedArgs } from '../command.js'
import { type CliContext, raiseExitCode } from '../context.js'
import { EXIT_CODES } from '../exit-codes.js'
import { quoteBounded } from '../limits.js'
import { UsageError } from '../usage-error.js'

interface ServeOptions {
  readonly protocol: 'plain' | 'mtproto'
  readonly dcs: number
  readonly seed: number
  readonly host: string
  readonly json?: boolean
}

/** The accounts and files of the plain cluster `serve` starts, so a client has something to call. */
const PLAIN_WORLD = {
  accounts: { alice: { homeDcId: 2, phone: '9996620001' }, bob: { homeDcId: 1, phone: '9996610001' } },
  files: { photo: 1 },
} as const

function parseInteger(option: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${option}: expected an integer ${min}..${max}, got ${quoteBounded(value)}`)
  }
  return n
}

function parseProtocol(value: string): 'plain' | 'mtproto' {
  if (value !== 'plain' && value !== 'mtproto') {
    throw new UsageError(`--protocol: expected plain or mtproto, got ${quoteBounded(value)}`)
  }
  return value
}

/** The options as given, checked, with every default filled in. */
function serveOptions(values: ParsedArgs['values']): ServeOptions {
  return {
    protocol: parseProtocol(String(values.protocol)),
    dcs: parseInteger('dcs', String(values.dcs), 1, 100),
    seed: parseInteger('seed', String(values.seed), 0, 2 ** 31 - 1),
    host: String(values.host),
    json: values.json === true,
  }
}

/** How to reach a running cluster from another process: the lines a human reads. */
function howToConnect(
  options: ServeOptions,
  dcs: readonly { id: number; host: string; port: number }[],
  pem: string | undefined,
): string[] {
  const lines = [
    `mtproto-errors serve: ${options.protocol === 'mtproto' ? 'MTProto 2.0' : 'plain'} cluster, seed ${options.seed}`,
    ...dcs.map((dc) => `  DC ${dc.id}  ${dc.host}:${dc.port}`),
  ]
  if (pem === undefined) {
    lines.push(
      '',
      'Accounts: alice (home DC 2, phone 9996620001), bob (home DC 1, phone 9996610001); login code 12345.',
      'File "photo" lives on DC 1. Connect with mtproto-errors/testkit:',
      `  const send = connect({ dcs: ${JSON.stringify(dcs)} }, { account: 'alice' }).send`,
    )
    return lines
  }
  const first = dcs.find((dc) => dc.id === 2) ?? dcs[0]!
  const phone = testPhone(first.id)
  lines.push(
    '',
    'RSA public key (PKCS#1); clients must trust it:',
    ...pem.trimEnd().split('\n'),
    '',
    `Test phones: 99966XYYYY lives on DC X, its code is X five times (${phone} -> ${testLoginCode(phone)}).`,
    `Bots: token ${testBotToken(first.id)} (one per DC).`,
    '',
    'GramJS (mtproto-errors/testkit/clients; cluster = the --json line, or { dcs, rsaPublicKeyPem }):',
    "  const client = new TelegramClient(new StringSession(''), 1, 'hash', gramjsOptions(cluster))",
    `  await loginGramjs(client, '${phone}')`,
    '  console.log(await client.getMe())',
    ...(dcs.some((dc) => dc.id === 4)
      ? []
      : ['  (GramJS starts on DC 4: first call client.session.setDC(2, host, port) with a DC above.)']),
    'mtcute:',
    "  const client = new TelegramClient({ apiId: 1, apiHash: 'hash', ...mtcuteOptions(cluster) })",
    `  await loginMtcute(client, '${phone}')`,
    "  await client.sendText('me', 'hello')",
  )
  return lines
}

/** `serve`: a simulated cluster for clients in other processes, until SIGINT or SIGTERM. */
export const serveCommand: CommandSpec = {
  name: 'serve',
  summary: 'run a simulated Telegram cluster on loopback',
  description: [
    'Start a simulated Telegram cluster and print how to connect to it, then serve until interrupted (Ctrl-C, SIGTERM), when it stops cleanly and prints what the server counted. With --json, the first line is a JSON object { protocol, seed, dcs, rsaPublicKeyPem } (the plain protocol: { protocol, seed, dcs, accounts, files }, which createTestkitInvoker accepts as it is) and the last one the report.',
    'The mtproto protocol needs the optional peers @mtcute/core, @mtcute/tl-runtime and long.',
  ],
  options: {
    protocol: {
      type: 'string',
      short: 'p',
      valueName: 'protocol',
      default: 'mtproto',
      help: 'plain or mtproto',
    },
    dcs: { type: 'string', short: 'd', valueName: 'count', default: '5', help: 'number of DCs (ids 1..N)' },
    seed: {
      type: 'string',
      short: 's',
      valueName: 'seed',
      default: '1',
      help: 'seed of every random decision',
    },
    host: { type: 'string', valueName: 'host', default: '127.0.0.1', help: 'interface to listen on' },
    json: { type: 'boolean', help: 'machine-readable output' },
  },
  exitStatus: '0 stopped cleanly by a signal, 2 usage error.',
  examples: ['mtproto-errors serve', 'mtproto-errors serve --protocol plain --dcs 3 --json'],
  async run({ values }: ParsedArgs, context: CliContext) {
    const options = serveOptions(values)
    const cluster =
      options.protocol === 'mtproto'
        ? await startCluster({
            protocol: 'mtproto',
            dcCount: options.dcs,
            seed: options.seed,
            host: options.host,
          })
        : await startCluster({
            dcCount: options.dcs,
            seed: options.seed,
            host: options.host,
            ...PLAIN_WORLD,
          })
    const pem = 'rsaPublicKeyPem' in cluster ? cluster.rsaPublicKeyPem : undefined
    const dcs = cluster.dcs.map(({ id, host, port }) => ({ id, host, port }))
    if (options.json) {
      context.out(
        JSON.stringify({
          protocol: options.protocol,
          seed: options.seed,
          dcs,
          ...(pem ? { rsaPublicKeyPem: pem } : PLAIN_WORLD),
        }),
      )
    } else {
      for (const line of howToConnect(options, dcs, pem)) context.out(line)
      context.out('')
      context.out('Serving; Ctrl-C to stop.')
    }
    if (context.waitForStop === undefined) {
      context.err('serve: nothing can stop this process cleanly here; not serving')
      raiseExitCode(context, EXIT_CODES.USAGE)
    } else {
      const signal = await context.waitForStop()
      if (!options.json) context.out(`${signal}: stopping`)
    }
    const report = cluster.report()
    await cluster.stop()
    const { calls, ok, errorsByType, floodViolations, migrations, injectedFaults, connections } = report
    const summary = { calls, ok, errorsByType, floodViolations, migrations, injectedFaults, connections }
    context.out(options.json ? JSON.stringify({ report: summary }) : `Stopped. ${JSON.stringify(summary)}`)
  },
}

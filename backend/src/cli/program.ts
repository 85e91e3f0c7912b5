/**
 * `npx ballast <command>`: the commander program, and `runCli`, which runs one command line and returns its
 * exit code (0 ok, 1 chain or transaction failure, 2 bad input) instead of exiting, so tests and other entry
 * points can call it. Output goes through `io`: results to stdout (text, or one JSON document with --json),
 * progress and errors to stderr (with --json, errors are a JSON document on stdout too).
 *
 * @packageDocumentation
 */
import { Command, CommanderError } from 'commander';
import { depositCommand, redeemCommand, type Progress } from './commands/funds.js';
import { pauseCommand, ripcordCommand, unpauseCommand } from './commands/emergency.js';
import { limitsAcceptCommand, limitsShowCommand, limitsSubmitCommand, type LimitsChangeOptions } from './commands/limits.js';
import { moduleAcceptCommand, moduleRevokeCommand, moduleSubmitCommand } from './commands/module.js';
import { statusCommand } from './commands/status.js';
import { createContext, DEFAULT_DEPLOYMENT_FILE, DEFAULT_RPC_URL, type CliContext, type GlobalOptions } from './context.js';
import { CliChainError, CliInputError, EXIT } from './errors.js';
import { toJson, type CommandOutput } from './format.js';
import { checkAmountSyntax, parseAddress, parseBps } from './parse.js';

/** Where the CLI writes. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

type Run = (ctx: CliContext, progress: Progress) => Promise<CommandOutput>;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Builds the program; `execute` runs a command body with the resolved context. */
function buildProgram(io: CliIo, execute: (options: GlobalOptions, run: Run, precheck?: () => void) => Promise<void>): Command {
  const program = new Command('ballast')
    .description('Ballast vault CLI: status, deposits and exits, guardian and governance actions, against any RPC and vault.')
    .option('--rpc <url>', `JSON-RPC endpoint (default: BALLAST_RPC_URL or ${DEFAULT_RPC_URL})`)
    .option('--vault <address>', `vault address (default: the "vault" of the deployment file)`)
    .option('--deployment <file>', `deployment JSON to take the vault from (default: ${DEFAULT_DEPLOYMENT_FILE})`)
    .option('--key <hex>', 'private key that signs writes (prefer the BALLAST_KEY environment variable; never printed)')
    .option('--json', 'print one JSON document (amounts as decimal strings of base units)')
    .exitOverride()
    .showHelpAfterError('(run `ballast --help` or `ballast <command> --help` for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();

  program
    .command('status')
    .description('vault NAV, supply, share price, state, roles, limits and each module (leverage vs band, health, oracle, pending changes)')
    .action((_opts, cmd: Command) => execute(globals(cmd), (ctx) => statusCommand(ctx)));

  program
    .command('deposit')
    .description('approve (when needed) and deposit an amount of the asset, in whole units ("1.5")')
    .argument('<amount>', 'asset amount in whole units, e.g. 1.5')
    .option('--receiver <address>', 'who receives the shares (default: the signer)')
    .action((amount: string, opts: { receiver?: string }, cmd: Command) =>
      execute(
        globals(cmd),
        (ctx, progress) => depositCommand(ctx, amount, opts, progress),
        () => {
          checkAmountSyntax(amount, 'amount');
          if (opts.receiver) parseAddress(opts.receiver, '--receiver');
        },
      ),
    );

  program
    .command('redeem')
    .description("redeem shares (or 'max') for assets; exits stay open while paused")
    .argument('<shares>', "share amount in whole units, or 'max' for all the signer holds")
    .option('--max-loss-bps <n>', 'refuse the exit if unwinding costs more than n bps (uses the max-loss overload)')
    .option('--receiver <address>', 'who receives the assets (default: the signer)')
    .action((shares: string, opts: { maxLossBps?: string; receiver?: string }, cmd: Command) =>
      execute(
        globals(cmd),
        (ctx, progress) => redeemCommand(ctx, shares, opts, progress),
        () => {
          if (shares.trim() !== 'max') checkAmountSyntax(shares, 'shares');
          if (opts.maxLossBps !== undefined) parseBps(opts.maxLossBps, '--max-loss-bps');
          if (opts.receiver) parseAddress(opts.receiver, '--receiver');
        },
      ),
    );

  program
    .command('pause')
    .description('guardian (or owner): stop deposits and risk-increasing actions; exits stay open')
    .action((_opts, cmd: Command) => execute(globals(cmd), (ctx, progress) => pauseCommand(ctx, progress)));

  program
    .command('unpause')
    .description('owner: lift the pause')
    .action((_opts, cmd: Command) => execute(globals(cmd), (ctx, progress) => unpauseCommand(ctx, progress)));

  program
    .command('ripcord')
    .description("anyone: delever a module whose leverage is at or above its ripcord level (default: the vault's only module)")
    .argument('[module]', 'module address')
    .action((module: string | undefined, _opts, cmd: Command) => execute(globals(cmd), (ctx, progress) => ripcordCommand(ctx, module, progress)));

  const moduleCmd = program.command('module').description('timelocked addition of a strategy module');
  moduleCmd
    .command('submit')
    .description('strategist (or owner): propose a module; it waits for the timelock')
    .argument('<module>', 'module address')
    .action((module: string, _opts, cmd: Command) => execute(globals(cmd), (ctx, progress) => moduleSubmitCommand(ctx, module, progress), () => parseAddress(module, 'module')));
  moduleCmd
    .command('accept')
    .description('anyone: enable a submitted module once its timelock has passed')
    .argument('<module>', 'module address')
    .action((module: string, _opts, cmd: Command) => execute(globals(cmd), (ctx, progress) => moduleAcceptCommand(ctx, module, progress), () => parseAddress(module, 'module')));
  moduleCmd
    .command('revoke')
    .description('guardian, strategist or owner: drop a submitted module')
    .argument('<module>', 'module address')
    .action((module: string, _opts, cmd: Command) => execute(globals(cmd), (ctx, progress) => moduleRevokeCommand(ctx, module, progress), () => parseAddress(module, 'module')));

  const limitsCmd = program.command('limits').description("a module's risk limits (leverage band, trade sizes, slippage, oracle bounds, cooldowns)");
  limitsCmd
    .command('show')
    .description('current limits and pending ones (default: every module)')
    .argument('[module]', 'module address')
    .action((module: string | undefined, _opts, cmd: Command) => execute(globals(cmd), (ctx) => limitsShowCommand(ctx, module)));
  limitsCmd
    .command('submit')
    .description('change limits: applied at once when they only tighten (guardian, strategist, owner), else pending (strategist, owner)')
    .argument('<module>', 'module address')
    .option('--file <limits.json>', 'JSON object of limits to change, in the units `limits show` prints')
    .option('--set <key=value>', 'one limit to change (repeatable), e.g. --set targetLeverage=2.2 --set cooldown=30m', collect, [])
    .action((module: string, opts: LimitsChangeOptions, cmd: Command) =>
      execute(globals(cmd), (ctx, progress) => limitsSubmitCommand(ctx, module, opts, progress)),
    );
  limitsCmd
    .command('accept')
    .description('anyone: apply pending limits once their timelock has passed (values re-read from the submit event, or --file/--set)')
    .argument('<module>', 'module address')
    .option('--file <limits.json>', 'the submitted limits (instead of reading them from the logs)')
    .option('--set <key=value>', 'the submitted changes, as given to submit (repeatable)', collect, [])
    .option('--from-block <n>', 'search the submit event from this block (for RPCs that limit log ranges)')
    .action((module: string, opts: LimitsChangeOptions, cmd: Command) =>
      execute(globals(cmd), (ctx, progress) => limitsAcceptCommand(ctx, module, opts, progress)),
    );

  return program;
}

function errorDocument(error: unknown): Record<string, unknown> {
  if (error instanceof CliChainError) {
    return {
      ok: false,
      exitCode: error.exitCode,
      error: error.revert
        ? { kind: 'revert', name: error.revert.name, args: error.revert.args, meaning: error.revert.meaning, message: error.message, txHash: error.txHash }
        : { kind: 'chain', message: error.message, txHash: error.txHash },
    };
  }
  if (error instanceof CliInputError) return { ok: false, exitCode: error.exitCode, error: { kind: 'input', message: error.message } };
  return { ok: false, exitCode: EXIT.chain, error: { kind: 'internal', message: (error as Error).message } };
}

/** Runs one command line (`argv` without node and the script) and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const wantsJson = argv.includes('--json');
  let exitCode: number = EXIT.ok;
  const execute = async (options: GlobalOptions, run: Run, precheck?: () => void): Promise<void> => {
    // Arguments whose form is wrong fail before any RPC call.
    precheck?.();
    const ctx = await createContext(options, io.env);
    const progress: Progress = ctx.json ? () => undefined : (line) => io.stderr(`${line}\n`);
    const output = await run(ctx, progress);
    io.stdout(ctx.json ? `${toJson({ ok: true, ...output.data })}\n` : `${output.text.join('\n')}\n`);
  };
  const program = buildProgram(io, execute);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; everything else commander refuses is a usage error.
      exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.input;
      if (wantsJson && exitCode !== EXIT.ok) io.stdout(`${toJson({ ok: false, exitCode, error: { kind: 'usage', message: error.message.replace(/^error: /, '') } })}\n`);
      return exitCode;
    }
    const doc = errorDocument(error);
    exitCode = doc.exitCode as number;
    if (wantsJson) io.stdout(`${toJson(doc)}\n`);
    io.stderr(`error: ${(error as Error).message}\n`);
    if (!(error instanceof CliChainError) && !(error instanceof CliInputError) && io.env.BALLAST_DEBUG) io.stderr(`${(error as Error).stack}\n`);
  }
  return exitCode;
}

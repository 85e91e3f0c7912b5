/**
 * The text `npm start` prints once everything runs: where to look, who is who, how to drive it.
 *
 * @packageDocumentation
 */
import type { RoleAccount, RoleAccounts } from './accounts.js';
import type { WorldDeployment } from './chain.js';
import type { StartOptions } from './options.js';
import { seconds } from './progress.js';

export interface BannerInput {
  readonly serviceUrl: string;
  readonly rpcUrl: string;
  readonly redisUrl: string;
  readonly world: WorldDeployment;
  readonly accounts: RoleAccounts;
  readonly options: Pick<StartOptions, 'deployment' | 'speed'>;
  readonly bootMs: number;
}

/** The `npx ballast` flags that point the CLI at this run when it is not on the defaults. */
export function cliFlags(rpcUrl: string, deployment: string): string {
  const flags: string[] = [];
  if (rpcUrl !== 'http://127.0.0.1:8545') flags.push(`--rpc ${rpcUrl}`);
  if (deployment !== 'deployments/local.json') flags.push(`--deployment ${deployment}`);
  return flags.length > 0 ? ` ${flags.join(' ')}` : '';
}

export function readyBanner(input: BannerInput): string {
  const { serviceUrl, rpcUrl, world, accounts } = input;
  const account = (a: RoleAccount): string => `  ${a.role.padEnd(20)} ${a.address}  key ${a.privateKey}`;
  const flags = cliFlags(rpcUrl, input.options.deployment);
  return [
    '',
    '================================================================================',
    ` Ballast local stack ready in ${seconds(input.bootMs)}`,
    '================================================================================',
    ` Dashboard      ${serviceUrl}/`,
    ` API            ${serviceUrl}/api/vaults   (history: ${serviceUrl}/api/vaults/${world.vault}/history)`,
    ` OpenAPI        ${serviceUrl}/docs`,
    ` Queues         ${serviceUrl}/queues`,
    ` Health         ${serviceUrl}/health   metrics: ${serviceUrl}/metrics`,
    ` RPC            ${rpcUrl}   chain id 31337 (anvil; one wall second = ${input.options.speed} chain seconds)`,
    ` Redis          ${input.redisUrl}`,
    ` Addresses      ${input.options.deployment}`,
    `   vault ${world.vault}  module ${world.module}`,
    `   WETH ${world.weth}  USDC ${world.usdc}  ETH/USD feed ${world.ethUsdFeed}`,
    `   pool ${world.pool}  oracle ${world.oracle}  arbitrageur ${world.arbitrageur}`,
    '',
    ' Accounts - anvil\'s default test keys (public, from the "test test ... junk" mnemonic): local use only,',
    ' never on a real network.',
    account(accounts.owner),
    account(accounts.strategist),
    account(accounts.keeper),
    account(accounts.guardian),
    ...accounts.depositors.map(account),
    account(accounts.market),
    '',
    ' CLI (another terminal, in this folder):',
    `   npx ballast status${flags}`,
    `   npx ballast pause${flags} --key ${accounts.guardian.privateKey}     (as the guardian)`,
    `   npx ballast unpause${flags} --key ${accounts.owner.privateKey}   (as the owner)`,
    '   npx ballast --help',
    '',
    ' Ctrl-C stops everything (simulator, service, Redis if started here, anvil).',
    '================================================================================',
    '',
  ].join('\n');
}

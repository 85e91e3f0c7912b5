/**
 * `npx ballast` end to end: every command run as a child process against a real anvil with the local world
 * deployed by its forge script. Each refusal is checked for its exit code, its message and that nothing was
 * sent; each success against the chain's own state afterwards.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { privateKeyToAccount } from 'viem/accounts';
import type { Address } from 'viem';
import { ballastVaultAbi, morphoLeverageModuleAbi } from '../../../backend/src/chain/abi/index.js';
import { startAnvil, type Anvil } from '../support/anvil.js';
import { ANVIL_KEYS, World } from '../support/world.js';
import { balanceOf, ballast, ballastOn, deploySecondModule, DEPOSITOR_KEYS, json, jumpAndHeal, keeperLeverUp, mintWeth } from './harness.js';

jest.setTimeout(180_000);

const WAD = 10n ** 18n;
const depositor = privateKeyToAccount(DEPOSITOR_KEYS.first).address;
const secondDepositor = privateKeyToAccount(DEPOSITOR_KEYS.second).address;

/** The address with one letter's case flipped: a broken EIP-55 checksum. */
function flipOneLetter(address: Address): string {
  const i = address.slice(2).search(/[a-fA-F]/) + 2;
  const c = address[i]!;
  return address.slice(0, i) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + address.slice(i + 1);
}

interface ErrorDoc {
  ok: false;
  exitCode: number;
  error: { kind: string; name?: string; meaning?: string; message: string };
}

describe('npx ballast against a live local world', () => {
  let anvil: Anvil;
  let world: World;
  let weth: Address;

  beforeAll(async () => {
    anvil = await startAnvil();
    world = await World.deploy(anvil.url, `cli-${anvil.port}`);
    weth = await world.client.readContract({ address: world.deployment.vault, abi: ballastVaultAbi, functionName: 'asset' });
    await mintWeth(world, weth, depositor, 10n * WAD);
  });

  afterAll(async () => {
    await anvil?.stop();
    world?.removeFile();
  });

  const vaultRead = <T>(functionName: string, args: readonly unknown[] = []) =>
    world.client.readContract({ address: world.deployment.vault, abi: ballastVaultAbi, functionName: functionName as never, args: args as never }) as Promise<T>;
  const limits = () => world.client.readContract({ address: world.deployment.module, abi: morphoLeverageModuleAbi, functionName: 'leverageLimits' });
  const nonce = (address: Address) => world.client.getTransactionCount({ address });

  test('status prints the vault and its module; --json matches the chain', async () => {
    const [text, data] = await Promise.all([ballastOn(world, ['status']), ballastOn(world, ['status', '--json'])]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Ballast WETH (bWETH) ${world.deployment.vault}`);
    expect(text.stdout).toMatch(/state\s+active/);
    expect(text.stdout).toMatch(new RegExp(`guardian\\s+${world.deployment.guardian}`));
    expect(text.stdout).toMatch(/leverage\s+1\.00x \(BELOW band; band 1\.70x \.\. 2\.30x, target 2\.00x, ripcord 2\.70x\)/);
    expect(text.stdout).toMatch(/oracle\s+3000\.00 USDC per WETH, .* healthy/);

    expect(data.code).toBe(0);
    const doc = json<{
      ok: boolean;
      vault: { totalAssets: string; totalSupply: string; paused: boolean; roles: { guardian: string }; timelock: string };
      modules: { address: string; leverage: string; inBand: boolean; limits: { targetLeverage: string } }[];
    }>(data);
    expect(doc.ok).toBe(true);
    expect(BigInt(doc.vault.totalAssets)).toBe(await vaultRead<bigint>('totalAssets'));
    expect(BigInt(doc.vault.totalSupply)).toBe(await vaultRead<bigint>('totalSupply'));
    expect(doc.vault.paused).toBe(false);
    expect(doc.vault.roles.guardian).toBe(world.deployment.guardian);
    expect(doc.vault.timelock).toBe('86400');
    const state = await world.client.readContract({ address: world.deployment.module, abi: morphoLeverageModuleAbi, functionName: 'state' });
    expect(doc.modules).toHaveLength(1);
    expect(doc.modules[0]!.address).toBe(world.deployment.module);
    expect(BigInt(doc.modules[0]!.leverage)).toBe(state.leverage);
    expect(BigInt(doc.modules[0]!.limits.targetLeverage)).toBe((await limits()).targetLeverage);
  });

  test('bad input exits 2 before anything is sent, naming what is wrong', async () => {
    const before = await nonce(depositor);
    const key = ['--key', DEPOSITOR_KEYS.first];
    // Amount, bps and duration forms are covered one by one in parsing.spec.ts; here each kind of refusal once.
    const [noCode, notVault, malformedVault, badChecksum, amountTwoDots, amountTooPrecise, badShares, badKey, noKey, unknownCommand, asJson] = await Promise.all([
      ballastOn(world, ['status', '--vault', '0x000000000000000000000000000000000000dEaD']),
      ballastOn(world, ['status', '--vault', weth]),
      ballastOn(world, ['status', '--vault', '0x1234']),
      ballastOn(world, ['status', '--vault', flipOneLetter(world.deployment.vault)]),
      ballastOn(world, ['deposit', '1.5.3', ...key]),
      ballastOn(world, ['deposit', '0.0000000000000000001', ...key]),
      ballastOn(world, ['redeem', 'all', ...key]),
      ballastOn(world, ['deposit', '1', '--key', '0xdeadbeefcafe']),
      ballastOn(world, ['deposit', '1']),
      ballastOn(world, ['frobnicate']),
      ballastOn(world, ['deposit', '1.5.3', '--json', ...key]),
    ]);
    for (const r of [noCode, notVault, malformedVault, badChecksum, amountTwoDots, amountTooPrecise, badShares, badKey, noKey, unknownCommand]) {
      expect(r.code).toBe(2);
    }
    expect(noCode.stderr).toContain('unknown vault 0x000000000000000000000000000000000000dEaD: there is no contract at that address');
    expect(notVault.stderr).toContain(`unknown vault ${weth}: the contract there is not a Ballast vault`);
    expect(malformedVault.stderr).toContain('--vault "0x1234" is not an address (expected 0x followed by 40 hex digits)');
    expect(badChecksum.stderr).toContain('has a wrong checksum');
    expect(amountTwoDots.stderr).toContain('amount "1.5.3" is not an amount');
    expect(amountTooPrecise.stderr).toContain('has 19 decimals; WETH has 18');
    expect(badShares.stderr).toContain('shares "all" is not an amount');
    expect(badKey.stderr).toContain('--key is not a private key');
    expect(badKey.stderr + badKey.stdout).not.toContain('deadbeefcafe');
    expect(noKey.stderr).toContain('this command sends a transaction: pass --key <private key> or set BALLAST_KEY');
    expect(unknownCommand.stderr).toContain("unknown command 'frobnicate'");
    expect(await nonce(depositor)).toBe(before);
    expect(asJson.code).toBe(2);
    expect(json<ErrorDoc>(asJson).error).toMatchObject({ kind: 'input', message: expect.stringContaining('is not an amount') });
  });

  test('an unreachable RPC is a chain failure (exit 1)', async () => {
    const r = await ballast(world, ['status', '--vault', world.deployment.vault, '--rpc', 'http://127.0.0.1:9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach the RPC at http://127.0.0.1:9');
  });

  test('wrong roles are refused before sending, naming the holder and the key', async () => {
    const before = await nonce(depositor);
    const guardian = world.deployment.guardian;
    const owner = privateKeyToAccount(ANVIL_KEYS.owner).address;
    const [pause, unpause, submit, loosen] = await Promise.all([
      ballastOn(world, ['pause'], { BALLAST_KEY: DEPOSITOR_KEYS.first }),
      ballastOn(world, ['unpause', '--key', ANVIL_KEYS.guardian]),
      ballastOn(world, ['module', 'submit', world.deployment.module, '--key', ANVIL_KEYS.guardian]),
      ballastOn(world, ['limits', 'submit', world.deployment.module, '--set', 'maxTradeSize=2000', '--key', ANVIL_KEYS.guardian]),
    ]);
    expect(pause.code).toBe(2);
    expect(pause.stderr).toContain(`only the guardian ${guardian} (or the owner ${owner}) may pause; your key is ${depositor}`);
    expect(unpause.code).toBe(2);
    expect(unpause.stderr).toContain(`only the owner ${owner} may unpause; your key is ${guardian}`);
    expect(submit.code).toBe(2);
    expect(submit.stderr).toMatch(/only the strategist 0x[0-9a-fA-F]{40} \(or the owner 0x[0-9a-fA-F]{40}\) may submit a module/);
    expect(loosen.code).toBe(2);
    expect(loosen.stderr).toContain('may loosen limits (maxTradeSize)');
    expect(await nonce(depositor)).toBe(before);
    expect(await vaultRead<boolean>('paused')).toBe(false);
  });

  test('deposit approves and deposits; pause refuses deposits by error name; redeem still works; unpause reopens', async () => {
    const deposited = await ballastOn(world, ['deposit', '1.5', '--json'], { BALLAST_KEY: DEPOSITOR_KEYS.first });
    expect(deposited.code).toBe(0);
    const d = json<{ assets: string; shares: string; approveTx: string | null }>(deposited);
    expect(d.assets).toBe((15n * WAD / 10n).toString());
    expect(d.approveTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await vaultRead<bigint>('balanceOf', [depositor])).toBe(100n * 10n ** 24n + BigInt(d.shares));
    expect(await balanceOf(world, weth, depositor)).toBe(85n * WAD / 10n);

    const paused = await ballastOn(world, ['pause'], { BALLAST_KEY: ANVIL_KEYS.guardian });
    expect(paused.code).toBe(0);
    expect(paused.stdout).toContain('paused Ballast WETH');
    expect(await vaultRead<boolean>('paused')).toBe(true);
    const again = await ballastOn(world, ['pause', '--key', ANVIL_KEYS.guardian]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is already paused');

    const nonceBefore = await nonce(depositor);
    const [refused, refusedText] = await Promise.all([
      ballastOn(world, ['deposit', '1', '--json', '--key', DEPOSITOR_KEYS.first]),
      ballastOn(world, ['deposit', '1', '--key', DEPOSITOR_KEYS.first]),
    ]);
    expect(refused.code).toBe(1);
    expect(json<ErrorDoc>(refused).error).toMatchObject({ kind: 'revert', name: 'VaultPaused', meaning: expect.stringContaining('paused') });
    expect(refusedText.code).toBe(1);
    expect(refusedText.stderr).toContain('deposit refused: VaultPaused(): the vault is paused');
    expect(await nonce(depositor)).toBe(nonceBefore);
    expect(await balanceOf(world, weth, depositor)).toBe(85n * WAD / 10n);

    const wethBefore = await balanceOf(world, weth, secondDepositor);
    const redeemed = await ballastOn(world, ['redeem', '10', '--max-loss-bps', '100', '--json', '--key', DEPOSITOR_KEYS.second]);
    expect(redeemed.code).toBe(0);
    const r = json<{ shares: string; assets: string; maxLossBps: string }>(redeemed);
    expect(r.shares).toBe((10n * 10n ** 24n).toString());
    expect(r.maxLossBps).toBe('100');
    expect(await balanceOf(world, weth, secondDepositor)).toBe(wethBefore + BigInt(r.assets));
    expect(BigInt(r.assets)).toBeGreaterThan(99n * WAD / 10n);
    const all = await ballastOn(world, ['redeem', 'max', '--key', DEPOSITOR_KEYS.second]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^redeemed 90 bWETH for \d+(\.\d+)? WETH/);
    expect(await vaultRead<bigint>('balanceOf', [secondDepositor])).toBe(0n);
    const nothing = await ballastOn(world, ['redeem', 'max', '--key', DEPOSITOR_KEYS.second]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('holds no bWETH');

    const unpaused = await ballastOn(world, ['unpause', '--key', ANVIL_KEYS.owner]);
    expect(unpaused.code).toBe(0);
    expect(await vaultRead<boolean>('paused')).toBe(false);
    const reopened = await ballastOn(world, ['deposit', '1', '--key', DEPOSITOR_KEYS.first]);
    expect(reopened.code).toBe(0);
    expect(reopened.stdout).toMatch(/^deposited 1 WETH into Ballast WETH: you received 1 bWETH/);
  });

  test('limits: show, tighten at once as guardian, loosen through the timelock; module: submit, revoke, accept', async () => {
    const shown = await ballastOn(world, ['limits', 'show']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/targetLeverage\s+2\n/);
    expect(shown.stdout).toMatch(/cooldown\s+3600\n/);
    expect(shown.stdout).toContain('pending change: none');

    const tightened = await ballastOn(world, ['limits', 'submit', world.deployment.module, '--set', 'cooldown=2h', '--key', ANVIL_KEYS.guardian]);
    expect(tightened.code).toBe(0);
    expect(tightened.stdout).toContain('applied at once (they only tighten)');
    expect((await limits()).cooldown).toBe(7200);
    // A limits file named relative to the directory the person runs the CLI in.
    const dir = mkdtempSync(join(tmpdir(), 'ballast-cli-'));
    writeFileSync(join(dir, 'limits.json'), JSON.stringify({ ripcordCooldown: '15m' }));
    const fromFile = await ballastOn(world, ['limits', 'submit', world.deployment.module, '--file', 'limits.json', '--key', ANVIL_KEYS.guardian], {}, dir);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toMatch(/ripcordCooldown\s+600 -> 900/);
    expect((await limits()).ripcordCooldown).toBe(900);
    const missing = await ballastOn(world, ['limits', 'submit', world.deployment.module, '--file', 'nope.json', '--key', ANVIL_KEYS.guardian], {}, dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--file nope.json: cannot read ${join(dir, 'nope.json')}`);

    const [invalid, unknownKey, second] = await Promise.all([
      ballastOn(world, ['limits', 'submit', world.deployment.module, '--set', 'minLeverage=2.5', '--key', ANVIL_KEYS.strategist]),
      ballastOn(world, ['limits', 'submit', world.deployment.module, '--set', 'leverage=3', '--set', 'cooldown=soon', '--key', ANVIL_KEYS.strategist]),
      deploySecondModule(world),
    ]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('the module refuses these limits: LeverageOrderInvalid(');
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toContain('unknown limit "leverage"');
    expect(unknownKey.stderr).toContain('cooldown "soon" is not a duration');

    const loosened = await ballastOn(world, ['limits', 'submit', world.deployment.module, '--set', 'maxTradeSize=2000', '--json', '--key', ANVIL_KEYS.strategist]);
    expect(loosened.code).toBe(0);
    const l = json<{ status: string; loosens: boolean; validAt: string }>(loosened);
    expect(l).toMatchObject({ status: 'pending', loosens: true });
    const pending = await vaultRead<{ validAt: bigint | number }>('pendingModuleLimits', [world.deployment.module]);
    expect(BigInt(pending.validAt)).toBe(BigInt(l.validAt));
    const [shownPending, early] = await Promise.all([
      ballastOn(world, ['limits', 'show', '--json']),
      ballastOn(world, ['limits', 'accept', world.deployment.module, '--key', DEPOSITOR_KEYS.first]),
    ]);
    const pendingShown = json<{ modules: { pending: { limits: { maxTradeSize: string }; acceptable: boolean } }[] }>(shownPending);
    expect(pendingShown.modules[0]!.pending).toMatchObject({ acceptable: false, limits: { maxTradeSize: '2000' } });
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('still timelocked (TimelockNotElapsed)');

    const submitted = await ballastOn(world, ['module', 'submit', second, '--key', ANVIL_KEYS.strategist]);
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toContain(`module ${second} submitted: acceptable at`);
    expect(await vaultRead<bigint>('pendingModule', [second])).toBeGreaterThan(0n);
    const status = await ballastOn(world, ['status']);
    expect(status.stdout).toContain(`module ${second} acceptable at`);
    const revoked = await ballastOn(world, ['module', 'revoke', second, '--key', ANVIL_KEYS.guardian]);
    expect(revoked.code).toBe(0);
    expect(await vaultRead<bigint>('pendingModule', [second])).toBe(0n);
    const notPending = await ballastOn(world, ['module', 'accept', second, '--key', DEPOSITOR_KEYS.first]);
    expect(notPending.code).toBe(2);
    expect(notPending.stderr).toContain('is not pending');
    expect((await ballastOn(world, ['module', 'submit', second, '--key', ANVIL_KEYS.strategist])).code).toBe(0);

    await jumpAndHeal(world, 86_400);
    // Anyone accepts: two different keys, so the two transactions can be sent at once.
    const [acceptedLimits, acceptedModule] = await Promise.all([
      ballastOn(world, ['limits', 'accept', world.deployment.module, '--key', DEPOSITOR_KEYS.first]),
      ballastOn(world, ['module', 'accept', second, '--key', DEPOSITOR_KEYS.second]),
    ]);
    expect(acceptedLimits.code).toBe(0);
    expect(acceptedLimits.stdout).toMatch(/maxTradeSize\s+1000 -> 2000/);
    expect((await limits()).maxTradeSize).toBe(2000n * WAD);
    expect(acceptedModule.code).toBe(0);
    expect(await vaultRead<readonly Address[]>('modules')).toEqual([world.deployment.module, second]);
    const ambiguous = await ballastOn(world, ['ripcord', '--key', DEPOSITOR_KEYS.first]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('the vault has 2 modules: name one');
  });

  test('ripcord: refused by error name inside the limit, delevers anyone past it', async () => {
    const module = world.deployment.module;
    const inside = await ballastOn(world, ['ripcord', module, '--key', DEPOSITOR_KEYS.first, '--json']);
    expect(inside.code).toBe(1);
    expect(json<ErrorDoc>(inside).error).toMatchObject({ kind: 'revert', name: 'RipcordNotTriggered' });

    // From 1x to about 1.93x, then -25%: leverage passes the 2.7x ripcord.
    await keeperLeverUp(world, 93n);
    await world.movePrice(0.75);
    const state = () => world.client.readContract({ address: module, abi: morphoLeverageModuleAbi, functionName: 'state' });
    const pre = (await state()).leverage;
    expect(pre).toBeGreaterThan((await limits()).ripcordLeverage);
    const pulled = await ballastOn(world, ['ripcord', module, '--key', DEPOSITOR_KEYS.first]);
    expect(pulled.code === 0 ? 'exit 0' : `exit ${pulled.code}: ${pulled.stderr}`).toBe('exit 0');
    expect(pulled.stdout).toMatch(/^ripcord pulled on module 0x[0-9a-fA-F]{40}: leverage 2\.\d\dx -> \d\.\d\dx/);
    expect((await state()).leverage).toBeLessThan(pre);
  });
});

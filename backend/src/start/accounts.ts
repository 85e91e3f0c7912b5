/**
 * The local world's role accounts: anvil's default accounts, derived from its public test mnemonic
 * ("test test ... junk"). These keys are published with Foundry and known to everyone: fine for a local
 * chain, never for real funds.
 *
 * @packageDocumentation
 */
import { toHex, type Address, type Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';

/** anvil's default mnemonic (public). */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

export interface RoleAccount {
  readonly role: string;
  readonly index: number;
  readonly address: Address;
  readonly privateKey: Hex;
}

/** Who is who in the local world (see contracts/script/DeployLocalWorld.s.sol). */
export interface RoleAccounts {
  readonly owner: RoleAccount;
  readonly strategist: RoleAccount;
  readonly keeper: RoleAccount;
  readonly guardian: RoleAccount;
  readonly depositors: readonly RoleAccount[];
  /** Owner of the PoolArbitrageur once `npm start` hands it over: the market simulator's signer. */
  readonly market: RoleAccount;
}

/** Account `index` of the anvil mnemonic. */
export function anvilAccount(role: string, index: number): RoleAccount {
  const account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index });
  const key = account.getHdKey().privateKey;
  if (!key) throw new Error(`no private key for anvil account ${index}`);
  return { role, index, address: account.address, privateKey: toHex(key) };
}

/** The roles the world script assigns by default: owner 0, strategist 1, keeper 2, guardian 3, depositors 6-8; market 9. */
export function roleAccounts(depositors = 3): RoleAccounts {
  return {
    owner: anvilAccount('owner', 0),
    strategist: anvilAccount('strategist', 1),
    keeper: anvilAccount('keeper', 2),
    guardian: anvilAccount('guardian', 3),
    depositors: Array.from({ length: depositors }, (_, i) => anvilAccount(`depositor ${i + 1}`, 6 + i)),
    market: anvilAccount('market (simulator)', 9),
  };
}

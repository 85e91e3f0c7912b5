/**
 * `node backend/tools/run.mjs backend/src/main.ts`: the strategy service alone, configured by the
 * environment (see README: BALLAST_RPC_URL, BALLAST_CHAIN_ID, REDIS_URL, BALLAST_KEEPER_KEYS, BALLAST_VAULTS
 * or BALLAST_DEPLOYMENT_FILE, BALLAST_ROLES, ...). A bad environment prints every problem and exits 2.
 */
import { ConfigError, loadConfig } from './config/config.js';
import { startService } from './service.js';

try {
  const config = loadConfig();
  const service = await startService(config);
  console.log(`ballast service: roles ${[...config.roles].join(', ')}; ${config.vaults.length} vault(s) from ${config.vaultSource}${service.url ? `; API at ${service.url}` : ''}`);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(`ballast service failed to start: ${(error as Error).message}`);
  process.exit(1);
}

/** The committed ABIs are the generator's output for the current forge artifacts (npm test compiles first). */
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { ROOT } from '../../../backend/src/localnet/anvil.js';

describe('generated ABIs', () => {
  test('match the contracts as compiled now', () => {
    const run = () => execFileSync('node', ['backend/tools/generate-abis.mjs', '--check'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    expect(run).not.toThrow();
    expect(run()).toContain('generated ABIs match the artifacts');
  });
});

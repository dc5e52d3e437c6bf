/**
 * Test helper: the apko binary, installed by scripts/install-test-tools.sh
 * into the Go bin directory or found on PATH. Missing apko is an error with
 * a hint, never a skip.
 */
import { requireTool } from './tools.js';

export function apkoBinary(): string {
  return requireTool('apko');
}

// Runs the renderer's command-line tool (target/release/apm-secrets-render),
// so that browser tests can compare the page with it, and converts wizard
// states to and from the URL fragment of a shared link.

import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './browser.mjs';

export const RENDER_BINARY = path.join(repoRoot, 'target', 'release', 'apm-secrets-render');

/** The fields a shared link carries, in the order the app writes them; never the key. */
export const LINK_FIELDS = Object.freeze([
  'auth',
  'secret_name',
  'embed_key',
  'kms',
  'kms_key_arn',
  'region',
  'account_id',
  'function_name',
  'role',
  'apm_server_url',
  'in_vpc',
  'tool',
]);

/** Builds (or finds up to date) the release binary. Cargo may wait for another build's lock. */
export function buildRenderer() {
  execFileSync('cargo', ['build', '--release', '--bin', 'apm-secrets-render'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 20 * 60 * 1000,
  });
}

/**
 * Renders `state` with the command-line tool.
 * @returns {{state: object, checks: object[], tools: Record<string, {steps: object[]}>, files: Record<string, string>}}
 */
export function render(state) {
  const result = spawnSync(RENDER_BINARY, ['-'], { input: JSON.stringify(state), encoding: 'utf8' });
  // Exit status 1 means the state has an error check; the JSON is complete anyway.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`apm-secrets-render failed with status ${result.status}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

/** Returns a state value as a link writes it: checkboxes as '1' or '0', text as it is. */
export function linkText(value) {
  if (value === true) return '1';
  if (value === false) return '0';
  return String(value);
}

/** Writes the link fragment (without '#') for every answer of `state` except the key. */
export function encodeFragment(state) {
  const parts = [];
  for (const field of LINK_FIELDS) {
    const value = state[field];
    if (value === undefined || value === null) continue;
    parts.push(`${field}=${encodeURIComponent(linkText(value))}`);
  }
  return parts.join('&');
}

/** Reads a fragment into an object of field name to decoded text (no type conversion). */
export function decodeFragment(fragment) {
  const values = {};
  for (const part of fragment.replace(/^#/, '').split('&')) {
    if (!part) continue;
    const at = part.indexOf('=');
    const name = at < 0 ? part : part.slice(0, at);
    values[name] = at < 0 ? undefined : decodeURIComponent(part.slice(at + 1));
  }
  return values;
}

/** Returns the step titles and the code blocks of one tool's guide. */
export function guideOutline(guide) {
  return guide.steps.map((step) => ({
    title: step.title,
    code: step.blocks.filter((block) => block.kind === 'code').map((block) => block.text),
  }));
}

// Helpers that read and drive the wizard page: its rendered guide, its
// downloads and the "Download all files" archive.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** The tools in tab order, by their JSON name. */
export const TOOLS = Object.freeze(['console', 'cli', 'sam', 'serverless', 'terraform']);

/** Reads the step titles and code blocks that the page shows for the selected tool. */
export async function pageOutline(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('section.step')].map((step) => ({
      title: (step.querySelector('h3')?.textContent ?? '').replace(/^\d+\.\s*/, ''),
      code: [...step.querySelectorAll('figure.code pre code')].map((code) => code.textContent),
    })),
  );
}

/**
 * Waits until the page shows `expected` (as returned by pageOutline), and
 * fails with a diff if it does not within `timeoutMs`.
 */
export async function expectOutline(page, expected, message, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  let actual;
  for (;;) {
    actual = await pageOutline(page);
    if (JSON.stringify(actual) === JSON.stringify(expected) || Date.now() > deadline) break;
    await page.waitForTimeout(50);
  }
  assert.deepEqual(actual, expected, message);
}

/** Selects the tab of `tool` and waits until it is selected. */
export async function selectTool(page, tool) {
  await page.locator(`#tab-${tool}`).click();
  await page.waitForSelector(`#tab-${tool}[aria-selected="true"]`);
}

/** Clicks `locator` and returns the downloaded file's name and bytes. */
export async function download(page, locator) {
  const [file] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  const filePath = await file.path();
  return { name: file.suggestedFilename(), bytes: readFileSync(filePath) };
}

/**
 * Reads a ZIP archive whose entries are stored uncompressed, as the
 * wizard writes them, into a map of path to text.
 */
export function readStoredZip(bytes) {
  const files = {};
  let offset = 0;
  while (offset + 4 <= bytes.length && bytes.readUInt32LE(offset) === 0x04034b50) {
    const method = bytes.readUInt16LE(offset + 8);
    assert.equal(method, 0, 'the archive has a compressed entry');
    const size = bytes.readUInt32LE(offset + 18);
    const nameLength = bytes.readUInt16LE(offset + 26);
    const extraLength = bytes.readUInt16LE(offset + 28);
    const name = bytes.toString('utf8', offset + 30, offset + 30 + nameLength);
    const start = offset + 30 + nameLength + extraLength;
    files[name] = bytes.toString('utf8', start, start + size);
    offset = start + size;
  }
  // The end of central directory record (22 bytes, no comment) closes every archive, even an empty one.
  assert.equal(bytes.readUInt32LE(bytes.length - 22), 0x06054b50, 'the download is not a ZIP archive');
  assert.equal(bytes.readUInt16LE(bytes.length - 12), Object.keys(files).length, 'the archive directory counts other entries');
  return files;
}

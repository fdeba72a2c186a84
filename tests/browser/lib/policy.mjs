// Reads Content-Security-Policy values out of index.html, a _headers file
// and an nginx configuration, so that tests can compare them directive by
// directive.

/**
 * Parses a policy into a map from directive name to its list of sources.
 * @param {string} policy  e.g. "default-src 'none'; connect-src 'self'"
 * @returns {Map<string, string[]>}
 */
export function parsePolicy(policy) {
  const directives = new Map();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/).filter(Boolean);
    if (!name) continue;
    const key = name.toLowerCase();
    if (directives.has(key)) throw new Error(`the policy repeats ${key}, and browsers ignore the repeat: ${policy}`);
    directives.set(key, sources);
  }
  return directives;
}

/** Returns the map as a plain object, for readable assertion diffs. */
export function policyObject(policy) {
  return Object.fromEntries(typeof policy === 'string' ? parsePolicy(policy) : policy);
}

/** Returns the content of every Content-Security-Policy meta element in `html`. */
export function metaPolicies(html) {
  const policies = [];
  for (const [tag] of html.matchAll(/<meta\b[^>]*>/gi)) {
    if (!/http-equiv\s*=\s*["']?content-security-policy/i.test(tag)) continue;
    const content = /\scontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    if (!content) throw new Error(`a Content-Security-Policy meta element has no content: ${tag}`);
    policies.push((content[1] ?? content[2]).replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
  }
  return policies;
}

/**
 * Parses a _headers file (Netlify and Cloudflare Pages format) into a list of
 * rules: a path and its headers.
 * @returns {{path: string, headers: [string, string][]}[]}
 */
export function parseHeadersFile(text) {
  const rules = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      rules.push({ path: line.trim(), headers: [] });
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0 || rules.length === 0) throw new Error(`unexpected line in _headers: ${line}`);
    rules.at(-1).headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return rules;
}

/** Returns the headers of the `/*` rule of a _headers file, which apply to every file. */
export function siteWideHeaders(text) {
  const rule = parseHeadersFile(text).find((candidate) => candidate.path === '/*');
  if (!rule) throw new Error('the _headers file has no /* rule');
  return Object.fromEntries(rule.headers);
}

/** Returns the values of every `add_header NAME "VALUE"` line of an nginx configuration. */
export function nginxHeaders(text) {
  const headers = {};
  for (const match of text.matchAll(/^\s*add_header\s+([\w-]+)\s+"([^"]*)"(?:\s+always)?\s*;/gm)) {
    headers[match[1]] = match[2];
  }
  return headers;
}

// Summary statistics and the text table the benchmark prints.

/** Returns the `p`-th percentile (0 to 100) of `values` by the nearest-rank method. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Returns the median of `values`: the mean of the two middle values when their count is even. */
export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Summarises samples in milliseconds: count, median, 95th percentile, mean, min and max. */
export function summarise(values) {
  if (values.length === 0) return { n: 0, median: null, p95: null, mean: null, min: null, max: null };
  return {
    n: values.length,
    median: round(median(values)),
    p95: round(percentile(values, 95)),
    mean: round(values.reduce((sum, value) => sum + value, 0) / values.length),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
  };
}

/** Rounds to 0.01, enough for milliseconds measured with performance.now(). */
export function round(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Formats a byte count as KiB with two decimals. */
export function kib(bytes) {
  return bytes === null || bytes === undefined ? '-' : `${(bytes / 1024).toFixed(2)} KiB`;
}

/** Formats milliseconds, or '-' for a missing value. */
export function ms(value) {
  return value === null || value === undefined ? '-' : `${value.toFixed(2)} ms`;
}

/** Lays out rows of strings as a text table with a header row; numbers are right-aligned. */
export function table(header, rows) {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column]).length)));
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => /^[\d.,\s-]+( [A-Za-z]+)?$|^-$/.test(String(row[column]))));
  const line = (cells) =>
    cells
      .map((cell, column) => (numeric[column] ? String(cell).padStart(widths[column]) : String(cell).padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

// An analysis as JSON, CSV (one row per figure, a `section` column saying which table it is from)
// or text for a terminal. Keys and prefixes are shown as UTF-8 when they are, quoted as redis-cli
// quotes them otherwise.
import { binToText, type Bin } from '../bytes.js';
import { quoteRepr } from '../resp/repr.js';
import type { AnalysisReport, Tally } from './analyzer.js';

function shown(s: Bin): string {
  return binToText(s) ?? quoteRepr(s);
}

export function analysisJson(report: AnalysisReport): string {
  const readable = {
    ...report,
    separator: shown(report.separator),
    prefixes: report.prefixes.map((p) => ({ ...p, prefix: shown(p.prefix) })),
    biggest: report.biggest.map((b) => ({ ...b, key: shown(b.key) })),
  };
  return `${JSON.stringify(readable, null, 2)}\n`;
}

const CSV_COLUMNS = ['section', 'name', 'keys', 'bytes', 'db', 'type', 'encoding', 'elements', 'ttl_ms'] as const;

function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function analysisCsv(report: AnalysisReport): string {
  const rows: Partial<Record<(typeof CSV_COLUMNS)[number], string | number | null>>[] = [];
  const tallies = (section: string, entries: [string, Tally][]) => {
    for (const [name, t] of entries) rows.push({ section, name, keys: t.keys, bytes: t.bytes });
  };
  tallies('total', [['all', report.total]]);
  tallies('type', Object.entries(report.byType));
  tallies('encoding', Object.entries(report.byEncoding));
  for (const [db, t] of Object.entries(report.byDb)) rows.push({ section: 'db', name: db, keys: t.keys, bytes: t.bytes, db: Number(db) });
  tallies('prefix', report.prefixes.map((p) => [shown(p.prefix), p]));
  tallies('prefix', [['(beyond the prefix limit)', report.prefixOverflow], ['(no separator)', report.noPrefix]]);
  for (const b of report.biggest) rows.push({ section: 'biggest', name: shown(b.key), keys: 1, bytes: b.bytes, db: b.db, type: b.type, encoding: b.encoding, elements: b.elements, ttl_ms: b.ttlMs });
  tallies('expiry', [['no expiry', report.expiry.none], ...report.expiry.buckets.map((b): [string, Tally] => [b.label, b])]);
  for (const [type, buckets] of Object.entries(report.elements)) for (const b of buckets) rows.push({ section: 'elements', name: b.label, keys: b.keys, bytes: b.bytes, type });
  if (report.fieldTtls.keys > 0) rows.push({ section: 'field-ttls-ignored', name: `${report.fieldTtls.fields} fields`, keys: report.fieldTtls.keys, type: 'hash' });
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(','))].join('\n') + '\n';
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function table(title: string, rows: [string, Tally][], total: Tally): string[] {
  const visible = rows.filter(([, t]) => t.keys > 0);
  if (visible.length === 0) return [];
  const width = Math.max(...visible.map(([name]) => name.length));
  const share = (t: Tally) => (total.bytes > 0 ? `${((100 * t.bytes) / total.bytes).toFixed(1)}%` : '');
  return ['', title, ...visible.map(([name, t]) => `  ${name.padEnd(width)}  ${String(t.keys).padStart(10)} keys  ${size(t.bytes).padStart(10)}  ${share(t).padStart(6)}`)];
}

export function analysisText(report: AnalysisReport): string {
  const t = report.total;
  const lines = [`${t.keys} keys, ${size(t.bytes)} as MEMORY USAGE counts them${report.skipped ? ` (${report.skipped} keys left out by the filters)` : ''}`];
  lines.push(...table('By type', Object.entries(report.byType), t));
  lines.push(...table('By encoding', Object.entries(report.byEncoding), t));
  lines.push(...table('By database', Object.entries(report.byDb).map(([db, d]) => [`db${db}`, d]), t));
  lines.push(
    ...table(
      `By prefix (separator ${quoteRepr(report.separator)})`,
      [...report.prefixes.slice(0, 30).map((p): [string, Tally] => [`${'  '.repeat(p.depth - 1)}${shown(p.prefix)}`, p]), ['(no separator)', report.noPrefix], ['(beyond the prefix limit)', report.prefixOverflow]],
      t,
    ),
  );
  if (report.prefixes.length > 30) lines.push(`  … ${report.prefixes.length - 30} more prefixes (--json or --csv lists them all)`);
  lines.push(...table('Expiry', [['no expiry', report.expiry.none], ...report.expiry.buckets.map((b): [string, Tally] => [b.label, b])], t));
  for (const [type, buckets] of Object.entries(report.elements)) {
    lines.push(...table(`Elements per ${type}${type === 'string' ? ' (bytes)' : ''}`, buckets.map((b): [string, Tally] => [b.label, b]), t));
  }
  if (report.biggest.length > 0) {
    lines.push('', 'Biggest keys');
    for (const b of report.biggest) {
      const ttl = b.ttlMs === null ? '' : `, ttl ${Math.round(b.ttlMs / 1000)} s`;
      lines.push(`  ${size(b.bytes).padStart(10)}  db${b.db} ${shown(b.key)} (${b.type}, ${b.encoding}, ${b.elements} ${b.type === 'string' ? 'bytes' : 'elements'}${ttl})`);
    }
  }
  if (report.fieldTtls.keys > 0) {
    const f = report.fieldTtls;
    lines.push('', `${f.keys} hashes have ${f.fields} fields with a TTL (Redis 7.4 hash field expiration): counted and sized as plain hash fields, their TTLs not analysed`);
  }
  return `${lines.join('\n')}\n`;
}

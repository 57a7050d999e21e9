// The benchmark's report: a Markdown table of load rates and stored bytes, one of query medians
// with Malamute's ratio to each other engine and their geometric means, and a log-scale chart
// of those ratios as a hand-written SVG (bars left of 1 are queries Malamute answers faster).

/** Malamute's median over another engine's, per comparison, for one query's results. */
export const comparisons = [
  { key: 'postgres', label: 'Malamute / PostgreSQL', color: '#336791' },
  { key: 'duckdb-wire', label: 'Malamute / DuckDB (wire)', color: '#e6a700' },
  { key: 'duckdb', label: 'Malamute / DuckDB (in-process)', color: '#8c6d00' },
]

export function ratio(result, otherKey) {
  const ours = result.engines.malamute?.medianMs
  const theirs = result.engines[otherKey]?.medianMs
  return ours === undefined || theirs === undefined ? undefined : ours / theirs
}

/** Geometric mean of the defined ratios per comparison, with how many queries it covers. */
export function geometricMeans(results) {
  return Object.fromEntries(
    comparisons.map(({ key }) => {
      const ratios = results.map((result) => ratio(result, key)).filter((r) => r !== undefined)
      const mean =
        ratios.length === 0
          ? undefined
          : Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length)
      return [key, { mean, queries: ratios.length }]
    }),
  )
}

const milliseconds = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2))
const formatRatio = (r) => (r === undefined ? '–' : r >= 10 ? r.toFixed(1) : r.toFixed(2))

function cell(outcome) {
  if (outcome === undefined) return ''
  if (outcome.error !== undefined) return `error: ${outcome.error.slice(0, 60)}`
  return milliseconds(outcome.medianMs)
}

/**
 * The load table: rows/s and stored bytes per engine, then the raw input sizes (meta.raw_bytes
 * from generate.mjs: CSV and NDJSON bytes of the same events) to compare them with.
 */
export function loadTable(loads, rows, rawBytes = {}) {
  const lines = [
    '| engine | load rows/s | load s | stored MB | bytes/row | notes |',
    '|---|---:|---:|---:|---:|---|',
  ]
  for (const [label, load] of loads) {
    if (load.error !== undefined) {
      lines.push(`| ${label} | error: ${load.error} | | | | |`)
      continue
    }
    lines.push(
      `| ${label} | ${Math.round(rows / load.seconds).toLocaleString('en-US')} | ${load.seconds.toFixed(1)} | ${(load.bytes / 1e6).toFixed(1)} | ${(load.bytes / rows).toFixed(0)} | ${load.notes.join('; ')} |`,
    )
  }
  for (const [format, bytes] of Object.entries(rawBytes))
    lines.push(
      `| raw ${format.toUpperCase()} | | | ${(bytes / 1e6).toFixed(1)} | ${(bytes / rows).toFixed(0)} | the input, uncompressed |`,
    )
  return lines.join('\n')
}

/** The query table: medians (ms) per engine, ratios, agreement, and the geometric means. */
export function queryTable(results, engineLabels) {
  const shown = comparisons.filter(
    ({ key }) => engineLabels.has(key) && engineLabels.has('malamute'),
  )
  const header = [
    'query',
    ...[...engineLabels.values()].map((label) => `${label} ms`),
    ...shown.map((c) => c.label),
    'answers',
  ]
  const lines = [
    `| ${header.join(' | ')} |`,
    `|---|${header
      .slice(1, -1)
      .map(() => '---:')
      .join('|')}|---|`,
  ]
  for (const result of results) {
    const medians = [...engineLabels.keys()].map((key) => cell(result.engines[key]))
    const ratios = shown.map(({ key }) => formatRatio(ratio(result, key)))
    lines.push(`| ${result.name} | ${[...medians, ...ratios, result.agreement].join(' | ')} |`)
  }
  const means = geometricMeans(results)
  const meanCells = shown.map(
    ({ key }) => `**${formatRatio(means[key].mean)}** (${means[key].queries} queries)`,
  )
  lines.push(
    `| geometric mean | ${[...engineLabels.keys()].map(() => '').join(' | ')} | ${meanCells.join(' | ')} | |`,
  )
  return lines.join('\n')
}

const escapeXml = (text) =>
  text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c])

/** One query's bars (or why it has none), at height `y`; `ratios` per comparison key. */
function chartGroup({ name, ratios, why }, y, { shown, x, barHeight, groupHeight, labelWidth }) {
  const parts = [
    `<text x="${labelWidth - 8}" y="${y + groupHeight / 2}" text-anchor="end">${escapeXml(name)}</text>`,
  ]
  if (why !== undefined) {
    parts.push(
      `<text x="${x(1) + 6}" y="${y + groupHeight / 2}" fill="#888">${escapeXml(why)}</text>`,
    )
    return parts
  }
  shown.forEach(({ key, color }, i) => {
    const r = ratios[key]
    const barY = y + i * barHeight
    if (r === undefined) return
    const [from, to] = r < 1 ? [x(r), x(1)] : [x(1), x(r)]
    const width = Math.max(1, to - from)
    const labelX = r < 1 ? from - 3 : from + width + 3
    parts.push(
      `<rect x="${from.toFixed(1)}" y="${barY}" width="${width.toFixed(1)}" height="${barHeight - 1}" fill="${color}"/>`,
      `<text x="${labelX.toFixed(1)}" y="${barY + barHeight - 2}" font-size="8" text-anchor="${r < 1 ? 'end' : 'start'}">${formatRatio(r)}</text>`,
    )
  })
  return parts
}

/** A horizontal log-scale bar chart of Malamute's ratios, one group of bars per query. */
export function ratioChartSvg(results, title) {
  const shown = comparisons.filter(({ key }) => results.some((r) => ratio(r, key) !== undefined))
  const means = geometricMeans(results)
  const groups = results.map((result) => {
    const error = result.engines.malamute?.error
    const ratios = Object.fromEntries(shown.map(({ key }) => [key, ratio(result, key)]))
    const why = error !== undefined ? `Malamute: error: ${error.slice(0, 60)}` : undefined
    return { name: result.name, ratios, why }
  })
  groups.push({
    name: 'geometric mean',
    ratios: Object.fromEntries(shown.map(({ key }) => [key, means[key].mean])),
  })
  const all = groups.flatMap((g) => Object.values(g.ratios)).filter((r) => r !== undefined)
  const lowDecade = Math.min(-1, Math.floor(Math.log10(Math.min(...all, 1))))
  const highDecade = Math.max(1, Math.ceil(Math.log10(Math.max(...all, 1))))
  const labelWidth = 240
  const plotWidth = 600
  const barHeight = 10
  const groupHeight = Math.max(1, shown.length) * barHeight + 8
  const top = 62
  const height = top + groups.length * groupHeight + 36
  const x = (r) =>
    labelWidth + 30 + ((Math.log10(r) - lowDecade) / (highDecade - lowDecade)) * plotWidth
  const layout = { shown, x, barHeight, groupHeight, labelWidth }
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 70}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="10" y="34">Malamute's median time over each engine's, log scale: left of 1 Malamute is faster, right of 1 slower.</text>`,
  ]
  shown.forEach(({ label, color }, i) => {
    parts.push(`<rect x="${10 + i * 240}" y="42" width="10" height="10" fill="${color}"/>`)
    parts.push(`<text x="${24 + i * 240}" y="51">${escapeXml(label)}</text>`)
  })
  for (let decade = lowDecade; decade <= highDecade; decade++) {
    const gridX = x(10 ** decade)
    const text = decade >= 0 ? String(10 ** decade) : (10 ** decade).toFixed(-decade)
    parts.push(
      `<line x1="${gridX}" y1="${top - 4}" x2="${gridX}" y2="${height - 30}" stroke="${decade === 0 ? '#000' : '#ddd'}"/>`,
      `<text x="${gridX}" y="${height - 16}" text-anchor="middle">${text}</text>`,
    )
  }
  groups.forEach((group, row) => parts.push(...chartGroup(group, top + row * groupHeight, layout)))
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}

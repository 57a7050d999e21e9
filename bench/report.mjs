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

/** The load table: rows/s and stored bytes per engine. */
export function loadTable(loads, rows) {
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

/** A horizontal log-scale bar chart of Malamute's ratios, one group of bars per query. */
export function ratioChartSvg(results, title) {
  const shown = comparisons.filter(({ key }) => results.some((r) => ratio(r, key) !== undefined))
  const all = results
    .flatMap((r) => shown.map(({ key }) => ratio(r, key)))
    .filter((r) => r !== undefined)
  const lowDecade = Math.min(-1, Math.floor(Math.log10(Math.min(...all, 1))))
  const highDecade = Math.max(1, Math.ceil(Math.log10(Math.max(...all, 1))))
  const labelWidth = 300
  const plotWidth = 560
  const barHeight = 9
  const groupHeight = Math.max(1, shown.length) * barHeight + 10
  const top = 60
  const height = top + results.length * groupHeight + 40
  const x = (r) => labelWidth + ((Math.log10(r) - lowDecade) / (highDecade - lowDecade)) * plotWidth
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 30}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="10" y="34">Malamute's median time over each engine's, log scale: left of 1 Malamute is faster, right of 1 slower.</text>`,
  ]
  shown.forEach(({ label, color }, i) => {
    parts.push(`<rect x="${10 + i * 230}" y="42" width="10" height="10" fill="${color}"/>`)
    parts.push(`<text x="${24 + i * 230}" y="51">${escapeXml(label)}</text>`)
  })
  for (let decade = lowDecade; decade <= highDecade; decade++) {
    const gx = x(10 ** decade)
    parts.push(
      `<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${height - 30}" stroke="${decade === 0 ? '#000' : '#ddd'}"/>`,
    )
    parts.push(
      `<text x="${gx}" y="${height - 16}" text-anchor="middle">${10 ** decade >= 1 ? 10 ** decade : (10 ** decade).toFixed(-decade)}</text>`,
    )
  }
  results.forEach((result, row) => {
    const y = top + row * groupHeight
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + groupHeight / 2}" text-anchor="end">${escapeXml(result.name)}</text>`,
    )
    shown.forEach(({ key, color }, i) => {
      const r = ratio(result, key)
      const by = y + i * barHeight
      if (r === undefined) {
        const why = result.engines.malamute?.error !== undefined ? 'Malamute: error' : 'no figure'
        parts.push(
          `<text x="${x(1) + 4}" y="${by + barHeight - 1}" fill="#999" font-size="9">${why}</text>`,
        )
        return
      }
      const [from, to] = r < 1 ? [x(r), x(1)] : [x(1), x(r)]
      parts.push(
        `<rect x="${from.toFixed(1)}" y="${by}" width="${Math.max(1, to - from).toFixed(1)}" height="${barHeight - 1}" fill="${color}"><title>${escapeXml(`${result.name}: ${formatRatio(r)}`)}</title></rect>`,
      )
    })
  })
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}

// Shared planner test fixtures: a tenant with an events table whose time column is `ts`,
// and three daily segments, over the in-memory catalog.
import type { PlannerContext } from '../index.js'
import { MemoryCatalog } from './memory-catalog.js'

export const day = (d: number): number => Date.UTC(2024, 0, d) * 1000

export function eventsContext(): PlannerContext & { catalog: MemoryCatalog } {
  const catalog = new MemoryCatalog()
  catalog.addTable(
    'acme',
    'events',
    [
      { name: 'ts', type: 'timestamptz' },
      { name: 'service', type: 'text' },
      { name: 'status', type: 'int4' },
      { name: 'duration', type: 'float8' },
      { name: 'bytes', type: 'int8' },
      { name: 'http.method', type: 'text' },
    ],
    'ts',
  )
  catalog.addSegment('acme', 'events', 'd1', day(1), day(2) - 1)
  catalog.addSegment('acme', 'events', 'd2', day(2), day(3) - 1)
  catalog.addSegment('acme', 'events', 'd3', day(3), day(4) - 1)
  return { tenant: 'acme', catalog, settings: new Map(), timeZone: 'UTC' }
}

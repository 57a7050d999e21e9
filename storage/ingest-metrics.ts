// Prometheus metrics of ingestion (prom-client's default registry): HTTP intake serves them
// at GET /metrics. Counted in the process that commits, after its commit succeeded.
import { Counter } from 'prom-client'

/** Field values committed into a table's `_overflow` column (storage/column-cap.ts). */
export const overflowFieldsCounter = new Counter({
  name: 'malamute_overflow_fields_total',
  help: "Field values stored in a table's _overflow jsonb column because it had max_columns columns",
  labelNames: ['database', 'table'] as const,
})

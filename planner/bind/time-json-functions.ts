// The interval, time-zone and jsonb functions users call by name, with their registry names
// (executor/time-json-signatures.ts).
export const timeJsonFunctionNames: Readonly<Record<string, string>> = {
  age: 'age',
  justify_days: 'justify_days',
  justify_hours: 'justify_hours',
  justify_interval: 'justify_interval',
  timezone: 'timezone',
}

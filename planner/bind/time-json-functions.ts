// The interval, time-zone and jsonb functions users call by name, with their registry names
// (executor/time-json-signatures.ts).
export const timeJsonFunctionNames: Readonly<Record<string, string>> = {
  age: 'age',
  justify_days: 'justify_days',
  justify_hours: 'justify_hours',
  justify_interval: 'justify_interval',
  timezone: 'timezone',
  'interval qualifier': 'interval_qualify',
  ...Object.fromEntries(
    [
      'jsonb_typeof',
      'json_typeof',
      'jsonb_array_length',
      'json_array_length',
      'jsonb_extract_path',
      'jsonb_extract_path_text',
      'jsonb_build_object',
      'json_build_object',
      'jsonb_build_array',
      'json_build_array',
      'to_jsonb',
      'jsonb_set',
      'jsonb_set_lax',
      'jsonb_insert',
      'jsonb_delete_path',
    ].map((name) => [name, name]),
  ),
  json_extract_path: 'jsonb_extract_path',
  json_extract_path_text: 'jsonb_extract_path_text',
}

// Registry entries of the array kernels (executor/functions/array.ts). Their arguments are
// polymorphic (anyarray, anyelement), so planner/bind/array-binder.ts resolves the types and
// builds the calls itself; these entries name the kernels for the registry check.
import type { Signature } from './signatures.js'

const polymorphic = (returns: Signature['returns']): readonly Signature[] => [
  { args: ['any'], returns, variadic: true },
]

export const ArraySignatures: Readonly<Record<string, readonly Signature[]>> = {
  array_construct: polymorphic('same'),
  array_subscript: polymorphic('same'),
  array_slice: polymorphic('same'),
  array_cat: polymorphic('same'),
  array_append: polymorphic('same'),
  array_prepend: polymorphic('same'),
  array_remove: polymorphic('same'),
  array_replace: polymorphic('same'),
  cardinality: polymorphic('int4'),
  array_length: polymorphic('int4'),
  array_upper: polymorphic('int4'),
  array_lower: polymorphic('int4'),
  array_ndims: polymorphic('int4'),
  array_position: polymorphic('int4'),
  array_positions: polymorphic('_int4'),
  array_contains: polymorphic('bool'),
  array_contained: polymorphic('bool'),
  array_overlap: polymorphic('bool'),
  array_any: polymorphic('bool'),
  array_all: polymorphic('bool'),
  array_join: polymorphic('text'),
  string_to_array: polymorphic('_text'),
  generate_subscripts: polymorphic('_int4'),
}

// Output column names as PostgreSQL's FigureColname picks them: a column's name, a function's
// name, `case`, a cast's target type name when its argument has no better name, else
// `?column?`. A column ref or function call is a strong name (2), CASE a weak one (1).
import { sqlTypeByName } from '../../common/index.js'
import type { SyntaxExpr } from '../sql/ast.js'

/** Returns the name PostgreSQL gives a select-list item written as `node` without an alias. */
export function outputName(node: SyntaxExpr): string {
  return figureName(node)[0] ?? '?column?'
}

function figureName(node: SyntaxExpr): [string | undefined, number] {
  switch (node.kind) {
    case 'column-ref':
      return [node.name, 2]
    case 'func':
      // a[i] and a[i:j] take the array's name, as PostgreSQL's A_Indirection does.
      if ((node.name === '[]' || node.name === '[:]') && node.args[0] !== undefined)
        return figureName(node.args[0])
      return [node.name, 2]
    case 'case':
      return ['case', 1]
    case 'cast': {
      const [name, strength] = figureName(node.arg)
      if (strength > 1) return [name, strength]
      // `x::int[]` is named by the element type's name, as PostgreSQL names it.
      const typeName = node.typeName.name.replace(/\[\]$/, '')
      return [sqlTypeByName(typeName) ?? typeName, 1]
    }
    case 'constant':
      return node.name === null ? [undefined, 0] : [node.name, 2]
    case 'subquery':
      return [undefined, 0]
    case 'exists':
      return ['exists', 2]
    case 'literal':
      // true and false are casts of 't' and 'f' to boolean in PostgreSQL's grammar
      return node.literal === 'bool' ? ['bool', 1] : [undefined, 0]
    case 'star':
    case 'param':
    case 'unary':
    case 'binary':
    case 'is':
    case 'between':
    case 'in-list':
    case 'in-subquery':
      return [undefined, 0]
  }
}

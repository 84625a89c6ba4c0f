import type { CheckResult } from '../../model/result.js';
import { markup, type Html } from './escape.js';
import { code, section, table } from './parts.js';
import { miniBar } from './svg.js';

/** The inventory: resource counts by type, largest first, as a table with a bar per type. */
export function inventorySection(r: CheckResult): Html {
  const types = Object.entries(r.inventory.by_type).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const max = Math.max(0, ...types.map(([, c]) => c));
  return section('inventory', 'Inventory', [
    markup`<p>${`${r.inventory.resources} resource(s) of ${types.length} type(s).`}</p>
`,
    types.length
      ? table(
          ['Resource type', { value: 'Count', class: 'num' }, 'Share'],
          types.map(([t, c]) => [code(t), { value: c, class: 'num' }, miniBar(c, max, `${t}: ${c}`)]),
        )
      : '',
  ]);
}

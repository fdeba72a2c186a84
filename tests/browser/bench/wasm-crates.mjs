// Sums the size of a .wasm file's functions by the Rust crate they come
// from, from `twiggy top --format json` output on a build that kept its
// function names.
//
//   twiggy top -n 1000000 --format json app.wasm | node wasm-crates.mjs
//
// A trait method (`<T as tachys::view::Render>::build`) counts for the
// crate of its type when the type is concrete, else for the trait's crate,
// and drop glue (`core::ptr::drop_in_place<T>`) counts for the crate of T.

import { readFileSync } from 'node:fs';
import { kib, table } from './stats.mjs';

const STD = new Set(['core', 'alloc', 'std', 'str', 'char', 'bool', 'f32', 'f64', 'u8', 'u16', 'u32', 'u64', 'usize', 'i32', 'i64', 'isize']);

/** Returns the crate, or a group such as 'data segments', that an item of the module belongs to. */
export function crateOf(name) {
  if (name.startsWith('data segment') || name.startsWith('data[')) return 'data segments (strings, tables, constants)';
  if (name.endsWith(' subsection') || name.startsWith('"name"') || name.startsWith('custom section')) return 'name and custom sections';
  if (/^import /.test(name)) return 'imports';
  if (/^export /.test(name)) return 'exports';
  if (/^(code|type|table|elem|global|memory|func)\[/.test(name) || / section headers$|^wasm magic bytes$/.test(name)) return 'wasm sections and unnamed code';
  if (/^(wasm_bindgen|__wbg|__wbindgen|__externref)/.test(name) || /^(Closure|Ref|RefMut)\(.* externref shim$/.test(name)) return 'wasm_bindgen';
  // Plain names without a path are functions exported to JavaScript (such
  // as wasm-streams' intounderlyingsource_pull) or compiler built-ins.
  if (/^[A-Za-z_]\w*( externref shim)?$/.test(name)) return 'exported functions and built-ins';

  // Drop glue counts for the crate of the type it drops, since that type's
  // generics are what create it.
  const dropped = name.match(/^core(\[[0-9a-f]+\])?::ptr::drop_in_place<(.+)>(::h[0-9a-f]{16})?$/);
  if (dropped) {
    const owner = crateOf(dropped[2]);
    if (owner !== 'other') return owner;
  }

  let rest = name.replace(/^&(mut )?/, '');
  // `<Type as Trait>::method`: take Type unless it is a bare generic parameter or a primitive.
  const qualified = rest.match(/^<(.+?) as ([A-Za-z_][\w:]*)/);
  if (qualified) {
    const [, type, trait] = qualified;
    const typeRoot = rootSegment(type);
    rest = typeRoot && !/^[A-Z]$/.test(typeRoot) && !/^\(/.test(type) && !/^\[/.test(type) && !/^&/.test(type) ? type : trait;
  }
  rest = rest.replace(/^<+/, '').replace(/^&(mut )?/, '');
  if (rest.startsWith('[') || rest.startsWith('(')) return 'std (core, alloc)';
  const root = rootSegment(rest);
  if (!root) return 'other';
  if (STD.has(root)) return 'std (core, alloc)';
  return root;
}

function rootSegment(path) {
  return path.match(/^([A-Za-z_][A-Za-z0-9_]*)/)?.[1] ?? null;
}

/** Groups twiggy's rows by crate, largest first. */
export function groupByCrate(rows) {
  const groups = new Map();
  for (const row of rows) {
    if (row.name.startsWith('Σ') || row.name.startsWith('... and')) continue;
    const crate = crateOf(row.name);
    const group = groups.get(crate) ?? { crate, bytes: 0, items: 0 };
    group.bytes += row.shallow_size;
    group.items += 1;
    groups.set(crate, group);
  }
  return [...groups.values()].sort((a, b) => b.bytes - a.bytes);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = JSON.parse(readFileSync(process.argv[2] ?? 0, 'utf8'));
  const groups = groupByCrate(rows);
  const names = groups.find((group) => group.crate === 'name and custom sections')?.bytes ?? 0;
  const total = groups.reduce((sum, group) => sum + group.bytes, 0) - names;
  process.stdout.write(
    `${table(
      ['crate or part', 'bytes', 'share of the shipped module', 'items'],
      groups
        .filter((group) => group.crate !== 'name and custom sections')
        .map((group) => [group.crate, kib(group.bytes), `${((100 * group.bytes) / total).toFixed(1)} %`, String(group.items)]),
    )}\n(${kib(total)} without the name section, which the shipped build does not have)\n`,
  );
}

/**
 * The public surface of each package, read by the TypeScript compiler from its entry points:
 * every exported value and type, and the members of exported namespaces as `ns.name`. The
 * API-surface test compares it with `api_surface.json`, so a change to what the packages
 * export is deliberate: `LACUNA_UPDATE_API=1 npm test -- api_surface` rewrites the file.
 */
import ts from 'typescript';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Entry points: package name → source file (subpath exports included). Each package's main
 * entry has two faces: Node's (node.ts, the `node` export condition) and browsers' (index.ts).
 */
export const ENTRY_POINTS: Readonly<Record<string, string>> = {
  '@lacuna/core': 'packages/core/src/node.ts',
  '@lacuna/core (browser)': 'packages/core/src/index.ts',
  '@lacuna/core/errors': 'packages/core/src/errors.ts',
  '@lacuna/medsynth': 'packages/medsynth/src/node.ts',
  '@lacuna/medsynth (browser)': 'packages/medsynth/src/index.ts',
  '@lacuna/medsynth/experiments': 'packages/medsynth/src/experiments.ts',
  '@lacuna/epropnp': 'packages/epropnp/src/node.ts',
  '@lacuna/epropnp (browser)': 'packages/epropnp/src/index.ts',
  '@lacuna/epropnp/experiments': 'packages/epropnp/src/experiments.ts',
  '@lacuna/dine': 'packages/dine/src/node.ts',
  '@lacuna/dine (browser)': 'packages/dine/src/index.ts',
};

export interface Surface {
  readonly values: string[];
  readonly types: string[];
}

export function apiSurface(): Record<string, Surface> {
  const files = Object.values(ENTRY_POINTS).map((f) => root + f);
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const out: Record<string, Surface> = {};
  for (const [name, file] of Object.entries(ENTRY_POINTS)) {
    const sf = program.getSourceFile(root + file);
    if (!sf) throw new Error(`api surface: ${file} is missing`);
    const values: string[] = [], types: string[] = [];
    const visit = (module: ts.Symbol, prefix: string, depth: number) => {
      for (const e of checker.getExportsOfModule(module)) {
        const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
        const full = prefix + e.name;
        const external = target.declarations?.some((d) => d.getSourceFile().fileName.includes('/node_modules/')) ?? false;
        if (target.flags & ts.SymbolFlags.ValueModule && external) {
          values.push(`${full} (namespace of a dependency)`); // tf, tfl, z: their members are theirs
        } else if (target.flags & ts.SymbolFlags.ValueModule && depth < 2) {
          values.push(`${full} (namespace)`);
          visit(target, `${full}.`, depth + 1);
        } else if (target.flags & ts.SymbolFlags.Value) values.push(full);
        else types.push(full);
      }
    };
    visit(checker.getSymbolAtLocation(sf)!, '', 0);
    out[name] = { values: values.sort(), types: types.sort() };
  }
  return out;
}

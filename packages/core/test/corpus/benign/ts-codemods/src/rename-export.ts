import type { Project } from 'ts-morph';

/** Renames an exported declaration and every reference to it across the project. */
export function renameExport(project: Project, file: string, from: string, to: string): void {
  const source = project.getSourceFileOrThrow(file);
  const declarations = source.getExportedDeclarations().get(from);
  if (!declarations || declarations.length === 0) throw new Error(`${file} exports no "${from}"`);
  for (const declaration of declarations) {
    if ('rename' in declaration && typeof declaration.rename === 'function') declaration.rename(to);
  }
}

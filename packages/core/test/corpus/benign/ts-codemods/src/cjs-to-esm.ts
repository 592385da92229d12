import { Node, type SourceFile, SyntaxKind } from 'ts-morph';

/** Converts top-level `const x = require('y')` and `module.exports = …` to ESM syntax. */
export function cjsToEsm(file: SourceFile): void {
  for (const statement of file.getVariableStatements()) {
    const [declaration] = statement.getDeclarations();
    const init = declaration?.getInitializer();
    if (!declaration || !init || !Node.isCallExpression(init)) continue;
    if (init.getExpression().getText() !== 'require') continue;
    const [argument] = init.getArguments();
    if (!argument || !Node.isStringLiteral(argument)) {
      console.error(`${file.getFilePath()}: dynamic require left as is`);
      continue;
    }
    file.insertImportDeclaration(statement.getChildIndex(), {
      defaultImport: declaration.getName(),
      moduleSpecifier: argument.getLiteralText(),
    });
    statement.remove();
  }
  for (const expression of file.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    if (expression.getLeft().getText() !== 'module.exports') continue;
    const statement = expression.getParentIfKind(SyntaxKind.ExpressionStatement);
    statement?.replaceWithText(`export default ${expression.getRight().getText()};`);
  }
}

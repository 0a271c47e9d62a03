/**
 * Finds promises nobody waits for, with the TypeScript compiler's own types (no lint plugin):
 *
 * - an expression statement whose value is a promise (or any thenable) that is not awaited,
 *   returned, `void`-ed on purpose, kept, handed to something or given a rejection handler
 *   (`store.bump(id);` where bump is async);
 * - a function whose value is a promise, given where a function returning void is expected
 *   (`onChange: (id) => store.bump(id)` for `onChange(id: number): void`): whoever calls it drops
 *   the promise, and with it any error;
 * - a promise read as a truth value (`if (store.isSuspended(id))`, `!p`, `p && …`): always true;
 * - a function returning a promise given where one returning a value is expected
 *   (`ids.filter(store.isSuspended)`, a sort comparator).
 *
 * Since the store became async (issue 15), a call left without `await` compiles and runs: the
 * write lands later, outside the caller's transaction, and its error is an unhandled rejection.
 */
import ts from 'typescript';

export interface FloatingPromise {
  /** `path:line`, the path relative to the project root. */
  at: string;
  text: string;
  kind: 'statement' | 'void-callback' | 'condition' | 'misused';
}

function isThenable(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (type.isUnion()) return type.types.some((t) => isThenable(checker, t));
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never)) return false;
  const then = type.getProperty('then');
  if (!then) return false;
  const thenType = checker.getTypeOfSymbol(then);
  return thenType.getCallSignatures().length > 0;
}

/** A promise for sure (`Promise<T> | null` tested for presence is fine). */
function alwaysThenable(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (type.isUnion()) return type.types.every((t) => isThenable(checker, t));
  return isThenable(checker, type);
}

/** `p.catch(f)` or `p.then(f, g)`: its rejection is handled, so the promise it returns never rejects unseen. */
function handlesRejection(e: ts.Expression): boolean {
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression)) return false;
  const method = e.expression.name.text;
  return (method === 'catch' && e.arguments.length >= 1) || (method === 'then' && e.arguments.length >= 2);
}

/** The type a function is expected to have where it stands, if any. */
function expectedType(checker: ts.TypeChecker, fn: ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration): ts.Type | undefined {
  if (!ts.isMethodDeclaration(fn)) return checker.getContextualType(fn);
  const name = fn.name.getText();
  // A method of an object literal: the property of the type the literal is given to.
  if (ts.isObjectLiteralExpression(fn.parent)) {
    const literal = checker.getContextualType(fn.parent);
    const property = literal?.getNonNullableType().getProperty(name);
    return property ? checker.getTypeOfSymbol(property) : undefined;
  }
  // A method of a class: the member of the interface it implements.
  if (ts.isClassDeclaration(fn.parent)) {
    for (const clause of fn.parent.heritageClauses ?? []) {
      if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue;
      for (const implemented of clause.types) {
        const property = checker.getTypeAtLocation(implemented).getProperty(name);
        if (property) return checker.getTypeOfSymbol(property);
      }
    }
  }
  return undefined;
}

/** True when every signature the context expects returns exactly void. */
function expectsVoid(checker: ts.TypeChecker, fn: ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration): boolean {
  const contextual = expectedType(checker, fn);
  if (!contextual) return false;
  const signatures = contextual.getNonNullableType().getCallSignatures();
  if (signatures.length === 0) return false;
  return signatures.every((s) => checker.getReturnTypeOfSignature(s).flags & ts.TypeFlags.Void);
}

/** Every floating promise in the program's files whose path passes `include`. */
export function findFloatingPromises(program: ts.Program, root: string, include: (fileName: string) => boolean): FloatingPromise[] {
  const checker = program.getTypeChecker();
  const found: FloatingPromise[] = [];
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || !include(sf.fileName)) continue;
    const report = (node: ts.Node, kind: FloatingPromise['kind']) => {
      const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      const file = sf.fileName.startsWith(root) ? sf.fileName.slice(root.length).replace(/^[/\\]/, '') : sf.fileName;
      found.push({ at: `${file}:${line + 1}`, text: node.getText(sf).replace(/\s+/g, ' ').slice(0, 100), kind });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isExpressionStatement(node)) {
        const e = node.expression;
        const handled =
          ts.isAwaitExpression(e) ||
          ts.isVoidExpression(e) ||
          // Kept (x = p, x ??= p): whoever holds it answers for it.
          (ts.isBinaryExpression(e) &&
            e.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
            e.operatorToken.kind <= ts.SyntaxKind.LastAssignment) ||
          handlesRejection(e);
        if (!handled && isThenable(checker, checker.getTypeAtLocation(e))) report(e, 'statement');
      }
      if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) && expectsVoid(checker, node)) {
        const signature = checker.getSignatureFromDeclaration(node);
        if (signature && isThenable(checker, checker.getReturnTypeOfSignature(signature))) report(node, 'void-callback');
      }
      // A promise where a truth value is read: always truthy, whatever it resolves to.
      const condition =
        ts.isIfStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node)
          ? node.expression
          : ts.isConditionalExpression(node)
            ? node.condition
            : ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken
              ? node.operand
              : ts.isBinaryExpression(node) &&
                  (node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || node.operatorToken.kind === ts.SyntaxKind.BarBarToken)
                ? node.left
                : undefined;
      if (condition && alwaysThenable(checker, checker.getTypeAtLocation(condition))) report(condition, 'condition');
      // A function returning a promise given to a callback that returns something else (filter, some, sort…).
      if (ts.isCallExpression(node)) {
        const signature = checker.getResolvedSignature(node);
        node.arguments.forEach((argument, i) => {
          if (!signature) return;
          const parameter = signature.parameters[Math.min(i, signature.parameters.length - 1)];
          if (!parameter) return;
          const expected = checker.getTypeOfSymbol(parameter).getNonNullableType().getCallSignatures();
          const given = checker.getTypeAtLocation(argument).getNonNullableType().getCallSignatures();
          if (expected.length === 0 || given.length === 0) return;
          const givesPromise = given.some((g) => isThenable(checker, checker.getReturnTypeOfSignature(g)));
          const wantsValue = expected.every((e) => {
            const r = checker.getReturnTypeOfSignature(e);
            return !isThenable(checker, r) && !(r.flags & (ts.TypeFlags.Any | ts.TypeFlags.Void)) && !r.isTypeParameter();
          });
          if (givesPromise && wantsValue) report(argument, 'misused');
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

/** The program tsconfig.json describes, limited to the given root files. */
export function programOf(tsconfigPath: string, rootNames: (fileNames: string[]) => string[]): ts.Program {
  const config = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, tsconfigPath.replace(/[/\\][^/\\]*$/, ''));
  return ts.createProgram({ rootNames: rootNames(parsed.fileNames), options: { ...parsed.options, noEmit: true } });
}

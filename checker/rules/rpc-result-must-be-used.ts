// rpc-result-must-be-used: the RpcResult of a call is looked at (or handed on). A cross-domain
// call does not throw when the callee crashes: it returns an RpcErr. Code that drops the result
// carries on as if the call had worked, as a Rust caller would without `?`.
import type * as ts from 'typescript';
import { isBuiltin, isTrusted } from '../policy/host.ts';
import type { PolicyHost, TypeScript } from '../policy/host.ts';
import type { DomainRule } from './rule.ts';

/** True for RpcResult<T> (by its alias, or spelled out as a union holding the trusted RpcErr). */
export function isRpcResult(host: PolicyHost, type: ts.Type): boolean {
  if (isTrusted(host, type.aliasSymbol, 'RpcResult')) return true;
  if (!type.isUnion()) return false;
  return type.types.some((m) => isTrusted(host, m.aliasSymbol, 'RpcErr'));
}

/** The RpcResult a call produces, directly or as Promise<RpcResult<T>>. */
function producesRpcResult(host: PolicyHost, type: ts.Type): boolean {
  if (isRpcResult(host, type)) return true;
  const s = type.getSymbol();
  if (s?.getName() === 'Promise' && isBuiltin(s)) {
    const awaited = host.checker.getAwaitedType(type);
    return awaited !== undefined && isRpcResult(host, awaited);
  }
  return false;
}

const LONG = 60;

function callText(sf: ts.SourceFile, call: ts.CallExpression): string {
  const text = call.getText(sf).replace(/\s+/g, ' ');
  return text.length <= LONG ? text : `${call.expression.getText(sf).replace(/\s+/g, ' ')}(...)`;
}

function unwrap(t: TypeScript, e: ts.Expression): ts.Expression {
  while (t.isParenthesizedExpression(e) || t.isAsExpression(e) || t.isNonNullExpression(e) || t.isSatisfiesExpression(e) || t.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

/** The loops that hold `n`, innermost first (a read earlier in a loop runs after a later write). */
function loopsAround(t: TypeScript, n: ts.Node, stop: ts.Node | undefined): ts.Node[] {
  const out: ts.Node[] = [];
  for (let p = n.parent; p !== undefined && p !== stop; p = p.parent) {
    if (t.isIterationStatement(p, false)) out.push(p);
    if (t.isFunctionLike(p)) break;
  }
  return out;
}

export const rpcResultMustBeUsed: DomainRule = {
  id: 'rpc-result-must-be-used',
  description: 'the RpcResult of a call is checked (.ok), returned or passed on, never dropped',
  needsTypes: true,
  check(ctx) {
    const host = ctx.host;
    if (host === undefined || ctx.domainDir === undefined) return;
    const t = ctx.ts;
    const sf = ctx.sourceFile;
    const checker = host.checker;
    const reported = new Set<ts.Node>();

    const dropped = (call: ts.CallExpression, how: string): void => {
      if (reported.has(call)) return;
      reported.add(call);
      ctx.report(call, `the RpcResult of \`${callText(sf, call)}\` is ${how}: check \`.ok\` (the callee may have crashed) or return it`);
    };

    /** `e` is evaluated for its effect only: an RpcResult there is dropped. */
    const discarded = (e: ts.Expression, how: string): void => {
      const x = unwrap(t, e);
      if (t.isCallExpression(x)) {
        if (producesRpcResult(host, checker.getTypeAtLocation(x))) dropped(x, how);
        return;
      }
      if (t.isAwaitExpression(x)) return discarded(x.expression, how === 'dropped' ? 'awaited and dropped' : how);
      if (t.isVoidExpression(x)) return discarded(x.expression, 'thrown away with `void`');
      if (t.isConditionalExpression(x)) { discarded(x.whenTrue, how); discarded(x.whenFalse, how); return; }
      if (t.isBinaryExpression(x)) {
        const op = x.operatorToken.kind;
        if (op === t.SyntaxKind.CommaToken) { discarded(x.left, how); discarded(x.right, how); return; }
        // `a && f()`: the left side is a condition (looked at), the right one is dropped.
        if (op === t.SyntaxKind.AmpersandAmpersandToken || op === t.SyntaxKind.BarBarToken || op === t.SyntaxKind.QuestionQuestionToken) discarded(x.right, how);
      }
    };

    /** A variable given an RpcResult at `at` is read somewhere after it (or anywhere in a loop holding both). */
    const readLater = (sym: ts.Symbol, at: ts.Node, name: ts.Node): boolean => {
      const decl = sym.valueDeclaration;
      const scope = decl === undefined ? sf : (t.findAncestor(decl, (p) => t.isFunctionLike(p) || t.isSourceFile(p)) ?? sf);
      const loops = new Set(loopsAround(t, at, scope));
      let found = false;
      const visit = (n: ts.Node): void => {
        if (found) return;
        if (t.isIdentifier(n) && n !== name) {
          const p = n.parent;
          const s = t.isShorthandPropertyAssignment(p) && p.name === n ? checker.getShorthandAssignmentValueSymbol(p) : checker.getSymbolAtLocation(n);
          if (s !== sym) return;
          // A plain write is not a read.
          if (t.isBinaryExpression(p) && p.left === n && p.operatorToken.kind === t.SyntaxKind.EqualsToken) return;
          if (n.getStart(sf) > at.getEnd() || loopsAround(t, n, scope).some((l) => loops.has(l))) found = true;
          // A read inside a function created anywhere may run later.
          else if (t.findAncestor(n, (q) => q === scope || (t.isFunctionLike(q) && q !== scope)) !== scope) found = true;
          return;
        }
        t.forEachChild(n, visit);
      };
      visit(scope);
      return found;
    };

    const stored = (call: ts.CallExpression, target: ts.Identifier, at: ts.Node): void => {
      const sym = checker.getSymbolAtLocation(target);
      if (sym === undefined || readLater(sym, at, target)) return;
      if (reported.has(call)) return;
      reported.add(call);
      ctx.report(call, `the RpcResult of \`${callText(sf, call)}\` is stored in \`${target.text}\` but never read: check \`${target.text}.ok\` (the callee may have crashed) or return it`);
    };

    /** The call whose RpcResult `e` is (through await and parentheses), if any. */
    const resultCall = (e: ts.Expression): ts.CallExpression | undefined => {
      let x = unwrap(t, e);
      if (t.isAwaitExpression(x)) x = unwrap(t, x.expression);
      if (!t.isCallExpression(x)) return undefined;
      return producesRpcResult(host, checker.getTypeAtLocation(x)) ? x : undefined;
    };

    const visit = (n: ts.Node): void => {
      if (t.isExpressionStatement(n)) discarded(n.expression, 'dropped');
      else if (t.isVoidExpression(n)) discarded(n.expression, 'thrown away with `void`');
      else if (t.isForStatement(n)) {
        if (n.initializer !== undefined && !t.isVariableDeclarationList(n.initializer)) discarded(n.initializer, 'dropped');
        if (n.incrementor !== undefined) discarded(n.incrementor, 'dropped');
      } else if (t.isBinaryExpression(n) && n.operatorToken.kind === t.SyntaxKind.CommaToken) discarded(n.left, 'dropped');
      else if (t.isVariableDeclaration(n) && t.isIdentifier(n.name) && n.initializer !== undefined) {
        const call = resultCall(n.initializer);
        if (call !== undefined) stored(call, n.name, n);
      } else if (t.isBinaryExpression(n) && n.operatorToken.kind === t.SyntaxKind.EqualsToken && t.isIdentifier(unwrap(t, n.left))) {
        const call = resultCall(n.right);
        if (call !== undefined) stored(call, unwrap(t, n.left) as ts.Identifier, n);
      }
      t.forEachChild(n, visit);
    };
    visit(sf);
  },
};

// no-cross-heap-pointer: a domain never holds a pointer into memory it does not own. Three ways
// it could: importing trusted or foreign code (the kernel, the heap, library internals, the
// generated glue, another domain, Node.js), which runs in its realm with powers a domain must not
// have; keeping a handle lent for one call (Borrowed) after the call; keeping withBytes's raw
// view of shared memory after its callback. The kernel revokes borrows and views at run time;
// this rule rejects the code that tries to keep them, so the attempt never ships.
import path from 'node:path';
import { realpathSync } from 'node:fs';
import type * as ts from 'typescript';
import { inTrustedLibrary, isBuiltin, isTrusted, resolveAlias } from '../policy/host.ts';
import type { PolicyHost, TypeScript } from '../policy/host.ts';
import { domainDirOf, walk } from './rule.ts';
import type { DomainRule, RuleContext } from './rule.ts';

const allowedImports = 'a domain imports only the trusted library runtime/lib/index.ts, the IDL files directly in runtime/idl/ and its own files';

// ---- imports --------------------------------------------------------------------------------

/** The path with symbolic links resolved when it exists (a link must not smuggle a file in). */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function inside(dir: string, file: string): boolean {
  return file.startsWith(dir + path.sep);
}

/** What a runtime file is, for the message. */
function runtimePart(runtimeDir: string, target: string): string {
  const under = (sub: string): boolean => inside(path.join(runtimeDir, sub), target);
  if (under('idl/generated')) return 'the generated glue (only the kernel makes stubs and dispatchers)';
  if (under('lib')) return 'an internal of the trusted library (its public surface is runtime/lib/index.ts)';
  if (under('heap')) return "the heap's internals";
  if (under('kernel')) return 'the kernel';
  return 'a runtime file';
}

function checkImport(ctx: RuleContext, domainDir: string, node: ts.Node, spec: string): void {
  const shown = `'${spec}'`;
  if (!spec.startsWith('.') && !path.isAbsolute(spec)) {
    // Node.js modules and packages are not in a domain's realm; a bundled package would run unchecked.
    ctx.report(node, `${shown} is a package or a Node.js module; a domain has neither (${allowedImports})`);
    return;
  }
  const target = real(path.resolve(path.dirname(path.resolve(ctx.sourceFile.fileName)), spec));
  const runtimeDir = real(path.resolve(ctx.runtimeDir));
  const own = real(domainDir);
  if (target === path.join(runtimeDir, 'lib', 'index.ts')) return;
  if (path.dirname(target) === path.join(runtimeDir, 'idl') && target.endsWith('.ts')) return;
  const owner = domainDirOf(target);
  const ownerDir = owner === undefined ? undefined : real(owner);
  if (inside(own, target) && ownerDir === own) return;
  const shownTarget = path.relative(path.dirname(runtimeDir), target).split(path.sep).join('/');
  let what: string;
  if (inside(runtimeDir, target)) what = runtimePart(runtimeDir, target);
  else if (ownerDir !== undefined && ownerDir !== own) {
    what = `a file of another domain (${path.relative(path.dirname(runtimeDir), ownerDir).split(path.sep).join('/')}): call that domain through its IDL interface`;
  } else what = 'outside this domain';
  ctx.report(node, `${shown} imports ${shownTarget}, ${what}; ${allowedImports}`);
}

function checkImports(ctx: RuleContext, domainDir: string): void {
  const t = ctx.ts;
  walk(t, ctx.sourceFile, (node) => {
    let spec: ts.Expression | undefined;
    if (t.isImportDeclaration(node) || t.isExportDeclaration(node)) spec = node.moduleSpecifier;
    else if (t.isImportEqualsDeclaration(node) && t.isExternalModuleReference(node.moduleReference)) spec = node.moduleReference.expression;
    else if (t.isImportTypeNode(node) && t.isLiteralTypeNode(node.argument)) spec = node.argument.literal as ts.Expression;
    else if (t.isCallExpression(node) && node.expression.kind === t.SyntaxKind.ImportKeyword) spec = node.arguments[0];
    if (spec !== undefined && t.isStringLiteralLike(spec)) checkImport(ctx, domainDir, node, spec.text);
  });
}

// ---- escape analysis ------------------------------------------------------------------------

/** A lent handle (a Borrowed parameter) or withBytes's view (its callback's parameter). */
type Kind = 'borrowed' | 'view';

type FunctionWithBody = ts.FunctionLikeDeclaration & { readonly body: ts.Node };

interface Tracked {
  readonly name: string;
  /** For an alias: the name of what it holds. */
  readonly of: string | undefined;
}

function hasBody(t: TypeScript, node: ts.Node): node is FunctionWithBody {
  return (t.isFunctionDeclaration(node) || t.isFunctionExpression(node) || t.isArrowFunction(node) || t.isMethodDeclaration(node)
    || t.isConstructorDeclaration(node) || t.isGetAccessorDeclaration(node) || t.isSetAccessorDeclaration(node)) && node.body !== undefined;
}

/** A node whose code may run later than the code around it: a function or a class. */
function isClosure(t: TypeScript, node: ts.Node): boolean {
  return hasBody(t, node) || t.isClassLike(node);
}

/** The outermost closure between `node` and `fn` (exclusive), if any. */
function closureWithin(t: TypeScript, fn: ts.Node, node: ts.Node): ts.Node | undefined {
  let found: ts.Node | undefined;
  for (let n = node.parent; n !== undefined && n !== fn; n = n.parent) if (isClosure(t, n)) found = n;
  return found;
}

function line(node: ts.Node): number {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

function short(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function isBorrowedTypeNode(host: PolicyHost, node: ts.TypeNode | undefined): boolean {
  return node !== undefined && host.ts.isTypeReferenceNode(node) && isTrusted(host, host.checker.getSymbolAtLocation(node.typeName), 'Borrowed');
}

/** A parameter declared `Borrowed<...>`. */
function declaredBorrowed(host: PolicyHost, decl: ts.Declaration | undefined): boolean {
  return decl !== undefined && host.ts.isParameter(decl) && isBorrowedTypeNode(host, decl.type);
}

/** A parameter of the library that only reads a handle, borrowed or not (copyFrom's source). */
function readsHandle(host: PolicyHost, decl: ts.Declaration | undefined): boolean {
  const t = host.ts;
  if (decl === undefined || !t.isParameter(decl) || decl.type === undefined || !t.isTypeReferenceNode(decl.type)) return false;
  const s = host.checker.getSymbolAtLocation(decl.type.typeName);
  if (s === undefined) return false;
  const target = resolveAlias(host, s);
  const file = target.declarations?.[0]?.getSourceFile().fileName;
  return target.getName() === 'DataHandle' && file !== undefined && path.resolve(file) === path.join(host.runtimeDir, 'lib/handles.ts');
}

function propertyName(t: TypeScript, name: ts.PropertyName): string | undefined {
  return t.isIdentifier(name) || t.isStringLiteral(name) || t.isNumericLiteral(name) ? name.text : undefined;
}

/**
 * The signatures `fn` implements: a method of an object literal typed by an interface (an IDL
 * method: its parameters may be Borrowed though the implementation does not say so), a
 * callback's contextual type, or a class's implements clauses.
 */
function implementedSignatures(host: PolicyHost, fn: FunctionWithBody): ts.Signature[] {
  const t = host.ts;
  const checker = host.checker;
  const ofMember = (types: readonly ts.Type[], name: string | undefined): ts.Signature[] => {
    if (name === undefined) return [];
    const out: ts.Signature[] = [];
    for (const type of types) {
      for (const part of type.isUnion() ? type.types : [type]) {
        const prop = checker.getPropertyOfType(part, name);
        if (prop !== undefined) out.push(...checker.getTypeOfSymbolAtLocation(prop, fn).getCallSignatures());
      }
    }
    return out;
  };
  if (t.isMethodDeclaration(fn) && t.isObjectLiteralExpression(fn.parent)) {
    const type = checker.getContextualType(fn.parent);
    return type === undefined ? [] : ofMember([type], propertyName(t, fn.name));
  }
  if (t.isMethodDeclaration(fn) && t.isClassLike(fn.parent)) {
    const types = (fn.parent.heritageClauses ?? [])
      .filter((h) => h.token === t.SyntaxKind.ImplementsKeyword)
      .flatMap((h) => h.types.map((x) => checker.getTypeAtLocation(x)));
    return ofMember(types, propertyName(t, fn.name));
  }
  if (t.isFunctionExpression(fn) || t.isArrowFunction(fn)) {
    const type = checker.getContextualType(fn);
    if (type === undefined) return [];
    return (type.isUnion() ? type.types : [type]).flatMap((x) => x.getCallSignatures());
  }
  return [];
}

/** The parameters that take arguments (a `this` parameter takes none). */
function valueParameters(t: TypeScript, fn: FunctionWithBody): readonly ts.ParameterDeclaration[] {
  const first = fn.parameters[0];
  return first !== undefined && t.isIdentifier(first.name) && first.name.text === 'this' ? fn.parameters.slice(1) : fn.parameters;
}

function isBorrowedParameter(host: PolicyHost, fn: FunctionWithBody, index: number): boolean {
  const param = valueParameters(host.ts, fn)[index]!;
  if (declaredBorrowed(host, param)) return true;
  // The handle is lent by the caller whatever the implementation writes (Borrowed<T> is T).
  return implementedSignatures(host, fn).some((s) => declaredBorrowed(host, s.parameters[index]?.valueDeclaration));
}

const typedArrayNames = /^(Uint8|Uint8Clamped|Int8|Uint16|Int16|Uint32|Int32|Float32|Float64|BigUint64|BigInt64)Array(Constructor)?$/;

function isTypedArray(host: PolicyHost, type: ts.Type): boolean {
  const s = type.getSymbol();
  return s !== undefined && isBuiltin(s) && typedArrayNames.test(s.getName());
}

/** Methods of a typed array that return the same memory: their result is the view again. */
const viewAliases = new Set(['subarray', 'fill', 'copyWithin', 'reverse', 'sort', 'values', 'entries']);
const collectionMethods = new Set(['push', 'unshift', 'splice', 'set', 'add', 'resolve', 'then']);

function memberName(t: TypeScript, node: ts.Node): string | undefined {
  if (t.isPropertyAccessExpression(node)) return node.name.text;
  if (t.isElementAccessExpression(node) && t.isStringLiteralLike(node.argumentExpression)) return node.argumentExpression.text;
  return undefined;
}

class EscapeAnalysis {
  private readonly t: TypeScript;
  private readonly checker: ts.TypeChecker;
  private readonly tracked = new Map<ts.Symbol, Tracked>();
  private readonly reported = new Set<ts.Node>();
  private root = '';

  constructor(
    private readonly ctx: RuleContext,
    private readonly host: PolicyHost,
    private readonly fn: FunctionWithBody,
    private readonly kind: Kind,
  ) {
    this.t = host.ts;
    this.checker = host.checker;
  }

  run(root: ts.Identifier): void {
    const symbol = this.checker.getSymbolAtLocation(root);
    if (symbol === undefined) return;
    this.root = root.text;
    this.tracked.set(symbol, { name: root.text, of: undefined });
    // Aliases first (const c = cell): they are tracked like the original.
    for (let grown = true; grown;) {
      grown = false;
      for (const ref of this.references()) {
        if (closureWithin(this.t, this.fn, ref) !== undefined) continue;
        const alias = this.aliasOf(this.climb(ref));
        if (alias !== undefined && !this.tracked.has(alias.symbol)) {
          this.tracked.set(alias.symbol, { name: alias.name, of: this.tracked.get(this.symbolOf(ref)!)!.name });
          grown = true;
        }
      }
    }
    const afterAwait = new Set<ts.Symbol>();
    const captured = new Set<string>();
    for (const ref of this.references()) {
      const symbol = this.symbolOf(ref)!;
      const closure = closureWithin(this.t, this.fn, ref);
      if (closure !== undefined) {
        const key = `${closure.pos}:${this.tracked.get(symbol)!.name}`;
        if (!captured.has(key)) {
          captured.add(key);
          this.report(ref, symbol, `the closure on line ${line(closure)} captures it and may run after ${this.scope()} has ended: ${this.advice()} first, and capture those`);
        }
        continue;
      }
      this.checkUse(ref, symbol);
      const awaited = this.awaitBefore(ref);
      if (awaited !== undefined && !afterAwait.has(symbol)) {
        afterAwait.add(symbol);
        this.report(ref, symbol, this.kind === 'borrowed'
          ? `it is used after the await on line ${line(awaited)}, when the call may have returned and the borrow ended: read what you need before the first await`
          : `it is used after the await on line ${line(awaited)}, when withBytes has returned: finish with the view before awaiting`);
      }
    }
    this.checkArguments();
  }

  private scope(): string {
    return this.kind === 'borrowed' ? 'the call' : 'the callback';
  }

  private advice(): string {
    const name = this.root;
    return this.kind === 'borrowed' ? `read the values you need (\`${name}.get(...)\`)` : `copy the bytes you need (\`${name}.slice()\`, or .set() into your own array)`;
  }

  private report(node: ts.Node, symbol: ts.Symbol, what: string): void {
    if (this.reported.has(node)) return;
    this.reported.add(node);
    const tr = this.tracked.get(symbol)!;
    const name = tr.of === undefined ? `\`${tr.name}\`` : `\`${tr.name}\` (which holds \`${tr.of}\`)`;
    const subject = this.kind === 'borrowed'
      ? `${name} is lent for this call (Borrowed) and revoked when the call returns`
      : `${name} is withBytes's raw view of shared memory, valid only inside the callback`;
    this.ctx.report(node, `${subject}; ${what}`);
  }

  private symbolOf(id: ts.Identifier): ts.Symbol | undefined {
    const p = id.parent;
    if (this.t.isShorthandPropertyAssignment(p) && p.name === id) return this.checker.getShorthandAssignmentValueSymbol(p);
    return this.checker.getSymbolAtLocation(id);
  }

  /** Identifiers in the function's body that read a tracked variable. */
  private references(): ts.Identifier[] {
    const t = this.t;
    const out: ts.Identifier[] = [];
    walk(t, this.fn.body, (node) => {
      if (!t.isIdentifier(node)) return;
      const p = node.parent;
      if ((t.isVariableDeclaration(p) || t.isParameter(p) || t.isBindingElement(p)) && p.name === node) return;
      const s = this.symbolOf(node);
      if (s !== undefined && this.tracked.has(s)) out.push(node);
    });
    return out;
  }

  /** True when `symbol` is a variable of the function itself (not of an enclosing scope). */
  private isLocal(symbol: ts.Symbol): boolean {
    const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
    if (decl === undefined || decl.getSourceFile() !== this.fn.getSourceFile()) return false;
    if (decl.pos < this.fn.pos || decl.end > this.fn.end) return false;
    for (let n = decl.parent; n !== undefined; n = n.parent) if (hasBody(this.t, n) || this.t.isClassLike(n)) return n === this.fn;
    return false;
  }

  /** The expression whose value is the reference's value (through parentheses, casts, ?:, ??). */
  private climb(ref: ts.Identifier): ts.Node {
    const t = this.t;
    let e: ts.Node = ref;
    for (;;) {
      const p = e.parent;
      if (t.isParenthesizedExpression(p) || t.isAsExpression(p) || t.isNonNullExpression(p) || t.isTypeAssertionExpression(p) || t.isSatisfiesExpression(p)) e = p;
      else if (t.isConditionalExpression(p) && p.condition !== e) e = p;
      else if (t.isBinaryExpression(p) && [t.SyntaxKind.BarBarToken, t.SyntaxKind.AmpersandAmpersandToken, t.SyntaxKind.QuestionQuestionToken].includes(p.operatorToken.kind)) e = p;
      else if (t.isBinaryExpression(p) && p.operatorToken.kind === t.SyntaxKind.CommaToken && p.right === e) e = p;
      else if (this.kind === 'view' && (t.isPropertyAccessExpression(p) || t.isElementAccessExpression(p)) && p.expression === e
        && viewAliases.has(memberName(t, p) ?? '') && t.isCallExpression(p.parent) && p.parent.expression === p) e = p.parent;
      else return e;
    }
  }

  private isAssignment(node: ts.Node): node is ts.BinaryExpression {
    const t = this.t;
    return t.isBinaryExpression(node) && [t.SyntaxKind.EqualsToken, t.SyntaxKind.BarBarEqualsToken, t.SyntaxKind.AmpersandAmpersandEqualsToken, t.SyntaxKind.QuestionQuestionEqualsToken].includes(node.operatorToken.kind);
  }

  /** A local variable the value is copied into (const c = cell; c = cell), if that is the use. */
  private aliasOf(e: ts.Node): { symbol: ts.Symbol; name: string } | undefined {
    const t = this.t;
    const p = e.parent;
    let target: ts.Node | undefined;
    if (t.isVariableDeclaration(p) && p.initializer === e && t.isIdentifier(p.name)) target = p.name;
    else if (this.isAssignment(p) && p.right === e) {
      target = p.left;
      while (t.isParenthesizedExpression(target)) target = target.expression;
      if (!t.isIdentifier(target)) return undefined;
    }
    if (target === undefined || !t.isIdentifier(target)) return undefined;
    const symbol = this.checker.getSymbolAtLocation(target);
    return symbol !== undefined && this.isLocal(symbol) ? { symbol, name: target.text } : undefined;
  }

  private checkUse(ref: ts.Identifier, symbol: ts.Symbol): void {
    const t = this.t;
    const e = this.climb(ref);
    const p = e.parent;
    if ((t.isPropertyAccessExpression(p) || t.isElementAccessExpression(p)) && p.expression === e) {
      if (this.kind === 'view' && memberName(t, p) === 'buffer') {
        const name = this.tracked.get(symbol)!.name;
        this.report(p, symbol, `\`${name}.buffer\` is the whole shared memory behind the view, not this object's bytes: use \`${name}\` itself (or \`${name}.slice()\` for a copy)`);
      }
      return;
    }
    if (this.isAssignment(p)) {
      if (p.left === e || this.aliasOf(e) !== undefined) return;
      this.report(ref, symbol, `assigning it to \`${short(p.left)}\`, which outlives ${this.scope()}, keeps it: ${this.advice()} and keep those`);
      return;
    }
    if (t.isVariableDeclaration(p) && p.initializer === e) {
      if (this.kind === 'view' && t.isObjectBindingPattern(p.name)) this.report(ref, symbol, 'destructuring it takes its members (its buffer, its methods) out of the callback: name the view and index it');
      return;
    }
    if (t.isReturnStatement(p) || (t.isArrowFunction(p) && p.body === e)) {
      this.report(ref, symbol, this.kind === 'borrowed'
        ? `returning it hands the caller's handle back out of the call: ${this.advice()} and return those`
        : `withBytes returns what the callback returns, so the view would outlive it: ${this.advice()} and return that`);
      return;
    }
    if (t.isThrowStatement(p)) return this.report(ref, symbol, `throwing it lets it outlive ${this.scope()}: throw an Error that says what went wrong`);
    if (t.isYieldExpression(p)) return this.report(ref, symbol, `yielding it lets it outlive ${this.scope()}: ${this.advice()} and yield those`);
    if (t.isPropertyAssignment(p) || t.isShorthandPropertyAssignment(p)) {
      return this.report(ref, symbol, `storing it in an object lets it outlive ${this.scope()}: ${this.advice()} and store those`);
    }
    if (t.isTemplateSpan(p) && t.isTaggedTemplateExpression(p.parent.parent)) {
      // A tag function receives the substituted values themselves.
      return this.report(ref, symbol, `the tag \`${short(p.parent.parent.tag)}\` receives it and may keep it: ${this.advice()} and pass those`);
    }
    if (t.isArrayLiteralExpression(p)) return this.report(ref, symbol, `storing it in an array lets it outlive ${this.scope()}: ${this.advice()} and store those`);
    if ((t.isCallExpression(p) || t.isNewExpression(p)) && p.expression !== e) {
      const args: readonly ts.Expression[] = p.arguments ?? [];
      const index = args.indexOf(e as ts.Expression);
      if (index < 0 || this.allowedArgument(p, index)) return;
      const callee = short(p.expression);
      const method = memberName(t, p.expression);
      if (method !== undefined && collectionMethods.has(method)) {
        this.report(ref, symbol, `\`${callee}(...)\` keeps it beyond ${this.scope()}: ${this.advice()} and keep those`);
      } else if (this.kind === 'borrowed') {
        this.report(ref, symbol, `passing it to \`${callee}(...)\`, whose parameter is not Borrowed, may keep it: lend it only to a Borrowed parameter, or call its own methods`);
      } else {
        this.report(ref, symbol, `passing it to \`${callee}(...)\` may keep it: only the view's own methods and another typed array's .set() may take it`);
      }
    }
  }

  private allowedArgument(call: ts.CallExpression | ts.NewExpression, index: number): boolean {
    const t = this.t;
    if (this.kind === 'borrowed') {
      const sig = this.checker.getResolvedSignature(call);
      if (sig === undefined) return false;
      const params = sig.getParameters();
      let decl = params[index]?.valueDeclaration;
      // A rest parameter takes every argument from its position on.
      const last = params.at(-1)?.valueDeclaration;
      if (decl === undefined && last !== undefined && t.isParameter(last) && last.dotDotDotToken !== undefined) decl = last;
      return declaredBorrowed(this.host, decl) || readsHandle(this.host, decl);
    }
    // A view may be copied: into another typed array (.set), or by a typed array constructor.
    if (t.isCallExpression(call) && t.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'set' && index === 0) {
      return isTypedArray(this.host, this.checker.getTypeAtLocation(call.expression.expression));
    }
    if (t.isNewExpression(call) && index === 0) {
      const s = this.checker.getSymbolAtLocation(call.expression);
      return s !== undefined && isBuiltin(s) && typedArrayNames.test(s.getName());
    }
    return false;
  }

  /** The first await of the function that may have suspended it before `ref` runs. */
  private awaitBefore(ref: ts.Node): ts.Node | undefined {
    const t = this.t;
    const awaits: ts.Node[] = [];
    walk(t, this.fn.body, (node) => {
      const isAwait = t.isAwaitExpression(node) || (t.isForOfStatement(node) && node.awaitModifier !== undefined);
      if (isAwait && closureWithin(t, this.fn, node) === undefined) awaits.push(node);
    });
    const before = awaits.find((a) => a.end <= ref.getStart());
    if (before !== undefined) return before;
    // In a loop, an await later in the body runs before the next iteration's use.
    for (let n = ref.parent; n !== undefined && n !== this.fn; n = n.parent) {
      if (!t.isIterationStatement(n, false)) continue;
      const inLoop = awaits.find((a) => a.pos >= n.pos && a.end <= n.end);
      if (inLoop !== undefined) return inLoop;
    }
    return undefined;
  }

  /** `arguments` holds the parameters too. */
  private checkArguments(): void {
    const t = this.t;
    if (t.isArrowFunction(this.fn)) return;
    const root = [...this.tracked.keys()][0]!;
    walk(t, this.fn.body, (node) => {
      if (!t.isIdentifier(node) || node.text !== 'arguments') return;
      for (let n = node.parent; n !== undefined; n = n.parent) {
        if (hasBody(t, n) && !t.isArrowFunction(n)) {
          if (n === this.fn) this.report(node, root, '`arguments` holds it too and can carry it out: use the named parameters');
          return;
        }
      }
    });
  }
}

function checkBorrowed(ctx: RuleContext, host: PolicyHost): void {
  const t = host.ts;
  walk(t, ctx.sourceFile, (node) => {
    if (!hasBody(t, node)) return;
    valueParameters(t, node).forEach((param, i) => {
      if (t.isIdentifier(param.name) && isBorrowedParameter(host, node, i)) new EscapeAnalysis(ctx, host, node, 'borrowed').run(param.name);
    });
  });
}

/** True when `call` is the trusted library's withBytes. */
function isWithBytes(host: PolicyHost, call: ts.CallExpression): boolean {
  const t = host.ts;
  if (memberName(t, call.expression) !== 'withBytes') return false;
  const decl = host.checker.getResolvedSignature(call)?.getDeclaration();
  return decl !== undefined && inTrustedLibrary(host, path.resolve(decl.getSourceFile().fileName));
}

/** The function a withBytes argument names, when it is declared in this file. */
function callbackOf(host: PolicyHost, sf: ts.SourceFile, arg: ts.Expression): FunctionWithBody | undefined {
  const t = host.ts;
  let e = arg;
  while (t.isParenthesizedExpression(e) || t.isAsExpression(e) || t.isSatisfiesExpression(e)) e = e.expression;
  if (hasBody(t, e)) return e;
  if (!t.isIdentifier(e)) return undefined;
  const s = host.checker.getSymbolAtLocation(e);
  const decl = s === undefined ? undefined : resolveAlias(host, s).valueDeclaration;
  if (decl === undefined || decl.getSourceFile() !== sf) return undefined;
  if (hasBody(t, decl)) return decl;
  if (t.isVariableDeclaration(decl) && decl.initializer !== undefined && hasBody(t, decl.initializer)) {
    // Only a const keeps naming that function.
    const list = decl.parent;
    if (t.isVariableDeclarationList(list) && (list.flags & t.NodeFlags.Const) !== 0) return decl.initializer;
  }
  return undefined;
}

function checkViews(ctx: RuleContext, host: PolicyHost): void {
  const t = host.ts;
  const seen = new Set<ts.Node>();
  walk(t, ctx.sourceFile, (node) => {
    if (!t.isCallExpression(node) || !isWithBytes(host, node)) return;
    const arg = node.arguments[0];
    if (arg === undefined) return;
    const fn = callbackOf(host, ctx.sourceFile, arg);
    if (fn === undefined) {
      ctx.report(arg, 'withBytes lends a raw view of shared memory for the callback only: pass a function written in this file (an arrow function here), so the view can be checked not to escape');
      return;
    }
    if (seen.has(fn)) return;
    seen.add(fn);
    const param = valueParameters(t, fn)[0];
    if (param === undefined) return;
    if (t.isIdentifier(param.name)) new EscapeAnalysis(ctx, host, fn, 'view').run(param.name);
    else if (t.isObjectBindingPattern(param.name)) ctx.report(param, 'destructuring the view of withBytes takes its members (its buffer, its methods) out of the callback: name the view and index it');
  });
}

export const noCrossHeapPointer: DomainRule = {
  id: 'no-cross-heap-pointer',
  description: 'a domain imports only the library, the IDL and its own files, and keeps no borrowed handle or withBytes view beyond its scope',
  // The import check works on syntax alone; the escape checks run when types are available.
  needsTypes: false,
  check(ctx) {
    if (ctx.domainDir === undefined) return;
    checkImports(ctx, ctx.domainDir);
    const host = ctx.host;
    if (host === undefined) return;
    checkBorrowed(ctx, host);
    checkViews(ctx, host);
  },
};

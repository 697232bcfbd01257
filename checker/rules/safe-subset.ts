// safe-subset: domain code is written in a subset of TypeScript in which its types tell the
// truth and it reaches nothing but what it was handed. The other rules reason about types (what
// is an RRef, what was moved), so every way to make a type lie is out (`any`, assertions, the
// ts-ignore comments, `declare`); so is every way to reach the realm's machinery behind the types
// (globals, prototypes, reflection, code from strings, timers the kernel does not schedule).
//
// Without type information the rule still checks everything syntactic; with it (ctx.host) it
// also finds implicit `any`, resolves names through the checker and lets through computed
// accesses whose key is proven safe by its type.
import type * as ts from 'typescript';
import { resolveAlias } from '../policy/host.ts';
import type { PolicyHost } from '../policy/host.ts';
import { walk } from './rule.ts';
import type { DomainRule, RuleContext } from './rule.ts';

const GLOBAL_OBJECT = "is the realm's global object: names read through it escape this check, and names written to it change every later lookup; use what create received (sys, the stubs of the IDL)";
const SHARED_MEMORY = 'memory shared outside the shared heap, where nothing has an owner and nothing moves; exchange data through RRef handles';

/** Globals a domain may not name at all, each with why and what to do instead. */
const GLOBALS: ReadonlyMap<string, string> = new Map([
  ['eval', '`eval` turns a string into code the checker never saw; write the code itself'],
  ['Function', "the `Function` constructor turns a string into code the checker never saw; write a function expression or an arrow function (test for a function with `typeof x === 'function'`)"],
  ['require', "`require` loads modules outside the domain's bundle; import the trusted library or the IDL with a static `import`"],
  ['globalThis', `\`globalThis\` ${GLOBAL_OBJECT}`],
  ['global', `\`global\` ${GLOBAL_OBJECT}`],
  ['window', `\`window\` ${GLOBAL_OBJECT}`],
  ['self', `\`self\` ${GLOBAL_OBJECT}`],
  ['process', "`process` is the host's process object (a domain's realm has none); ask the kernel through the syscall capability `sys`"],
  ['Reflect', "`Reflect` reads and rewrites objects behind their types (prototypes, property descriptors, raw calls); use the object's declared members"],
  ['Proxy', 'a `Proxy` is an object whose behaviour its type does not describe (its traps run on every access); write a plain object or a class'],
  ['SharedArrayBuffer', `\`SharedArrayBuffer\` is ${SHARED_MEMORY}`],
  ['Atomics', `\`Atomics\` works on ${SHARED_MEMORY}`],
  ['WebAssembly', '`WebAssembly` runs code the checker cannot see; write it in TypeScript'],
  ['setTimeout', 'use `await sys.sleep(ms)` from the syscall capability (in a thread started with `sys.spawn` if the caller must not wait) instead of setTimeout'],
  ['setInterval', 'use a thread instead of setInterval: `sys.spawn(name, async () => { for (;;) { await sys.sleep(ms); ... } })` with the syscall capability'],
  ['setImmediate', 'use `await sys.yield()` (or a thread started with `sys.spawn`) from the syscall capability instead of setImmediate'],
  ['queueMicrotask', 'use `await sys.yield()` (or a thread started with `sys.spawn`) from the syscall capability instead of queueMicrotask'],
  ['FinalizationRegistry', "a `FinalizationRegistry` runs its callback whenever the garbage collector decides, outside the kernel's threads; release what you hold explicitly, or start a thread with `sys.spawn`"],
  ['arguments', '`arguments` (and `arguments.callee`) is an untyped view of the parameters and of the function itself; declare a rest parameter `...args: T[]`'],
]);

const STACK = "hands out the call sites of every frame on the stack (the kernel's and other domains' glue included) and changes how the whole realm reports errors; use the error's message";

/** Property names a domain may not read or write, on any object. */
const PROPERTIES: ReadonlyMap<string, string> = new Map([
  ['__proto__', "`__proto__` reads or replaces an object's prototype, so the object stops being what its type says; build objects with literals or classes"],
  ['constructor', '`constructor` leads from any value to its constructor and from there to the Function constructor (`x.constructor.constructor(...)`); test what a value is with `instanceof` or a type guard'],
  ['prototype', "`prototype` reaches the object every instance of a class or built-in inherits from, so a change there changes them all (the trusted library's too); call the methods on the instance"],
  ['__defineGetter__', '`__defineGetter__` redefines a property behind its type; declare accessors with `get` in a class or an object literal'],
  ['__defineSetter__', '`__defineSetter__` redefines a property behind its type; declare accessors with `set` in a class or an object literal'],
  ['__lookupGetter__', '`__lookupGetter__` takes the accessor functions out of an object; call the property itself'],
  ['__lookupSetter__', '`__lookupSetter__` takes the accessor functions out of an object; assign the property itself'],
  ['prepareStackTrace', `\`prepareStackTrace\` ${STACK}`],
  ['captureStackTrace', `\`captureStackTrace\` ${STACK}`],
  ['stackTraceLimit', `\`stackTraceLimit\` ${STACK}`],
]);

/** Names that an object literal may not even define (the others only matter when read). */
const LITERAL_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prepareStackTrace', 'captureStackTrace', 'stackTraceLimit']);

const REDEFINES = 'redefines what an object is behind its type (a handle could be given getters, its prototype swapped)';
/** Static methods of Object that reach prototypes and property descriptors. */
const OBJECT_STATICS: ReadonlyMap<string, string> = new Map([
  ['setPrototypeOf', `\`Object.setPrototypeOf\` ${REDEFINES}; build the object you need with a literal or a class`],
  ['defineProperty', `\`Object.defineProperty\` ${REDEFINES}; assign declared properties, or build a new object`],
  ['defineProperties', `\`Object.defineProperties\` ${REDEFINES}; assign declared properties, or build a new object`],
  ['getOwnPropertyDescriptor', '`Object.getOwnPropertyDescriptor` takes getters and setters out of an object, unchecked; read the property itself'],
  ['getOwnPropertyDescriptors', '`Object.getOwnPropertyDescriptors` takes getters and setters out of an object, unchecked; read the properties themselves'],
  ['getPrototypeOf', '`Object.getPrototypeOf` reaches the prototype behind a value (the way to its constructors and to the prototypes every object shares); use `instanceof` or a type guard'],
  ['create', '`Object.create` makes an object with any prototype, which its type does not show; use an object literal or a class (a Map for a dictionary)'],
]);

const ANY = '`any` turns off type checking (an `any` value can be passed where an RRef is expected); use `unknown` and narrow it, or the precise type';

type TS = RuleContext['ts'];

/** A node's text on one line, shortened, for messages. */
function snippet(sf: ts.SourceFile, node: ts.Node): string {
  const s = node.getText(sf).replace(/\s+/g, ' ');
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function skipParens(t: TS, e: ts.Expression): ts.Expression {
  while (t.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

function isFunctionLike(t: TS, n: ts.Node): n is ts.SignatureDeclaration {
  return t.isFunctionDeclaration(n) || t.isFunctionExpression(n) || t.isArrowFunction(n) || t.isMethodDeclaration(n)
    || t.isConstructorDeclaration(n) || t.isGetAccessorDeclaration(n) || t.isSetAccessorDeclaration(n);
}

function hasDeclare(t: TS, n: ts.Node): boolean {
  return t.canHaveModifiers(n) && (t.getModifiers(n) ?? []).some((m) => m.kind === t.SyntaxKind.DeclareKeyword);
}

/** The identifiers a binding name declares. */
function bindingIdentifiers(t: TS, name: ts.BindingName): ts.Identifier[] {
  if (t.isIdentifier(name)) return [name];
  const out: ts.Identifier[] = [];
  for (const e of name.elements) if (!t.isOmittedExpression(e)) out.push(...bindingIdentifiers(t, e.name));
  return out;
}

/**
 * True when `n` is written by its parent: assigned (also by compound operators, ++, --), deleted,
 * or a target of a destructuring assignment or of for-in/for-of.
 */
function isWriteTarget(t: TS, n: ts.Node): boolean {
  const k = t.SyntaxKind;
  for (let cur = n; ;) {
    const p = cur.parent;
    if (p === undefined) return false;
    if (t.isParenthesizedExpression(p)) cur = p;
    else if (t.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      return p.left === cur && op >= k.FirstAssignment && op <= k.LastAssignment;
    } else if (t.isPrefixUnaryExpression(p) || t.isPostfixUnaryExpression(p)) return p.operator === k.PlusPlusToken || p.operator === k.MinusMinusToken;
    else if (t.isDeleteExpression(p)) return true;
    else if (t.isForOfStatement(p) || t.isForInStatement(p)) return p.initializer === cur;
    // Inside a literal: it is a target when the literal is a destructuring pattern.
    else if (t.isPropertyAssignment(p)) {
      if (p.initializer !== cur) return false;
      cur = p.parent;
    } else if (t.isShorthandPropertyAssignment(p) || t.isSpreadAssignment(p) || t.isSpreadElement(p)) cur = p.parent;
    else if (t.isArrayLiteralExpression(p)) cur = p;
    else return false;
  }
}

/** What declares a name in scope: the declaring node and the scope it is visible in. */
interface Binding {
  readonly decl: ts.Node;
  readonly scope: ts.Node;
}

/** The declaration of `name` made directly by the statements `statements`, if any. */
function declaredBy(t: TS, statements: readonly ts.Statement[], name: string): ts.Node | undefined {
  for (const s of statements) {
    if (hasDeclare(t, s)) continue; // reported on its own; never a real local
    if (t.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) if (bindingIdentifiers(t, d.name).some((i) => i.text === name)) return d;
    } else if ((t.isFunctionDeclaration(s) || t.isClassDeclaration(s) || t.isEnumDeclaration(s) || t.isModuleDeclaration(s)) && s.name !== undefined && t.isIdentifier(s.name) && s.name.text === name) {
      return s;
    } else if (t.isImportDeclaration(s)) {
      // A binding imported from a package (`import { setTimeout } from 'node:timers'`) is the
      // host's, not the domain's: only relative imports declare locals.
      const c = s.importClause;
      if (c === undefined || c.isTypeOnly || !t.isStringLiteral(s.moduleSpecifier) || !s.moduleSpecifier.text.startsWith('.')) continue;
      if (c.name?.text === name) return c;
      const b = c.namedBindings;
      if (b !== undefined && t.isNamespaceImport(b) && b.name.text === name) return b;
      if (b !== undefined && t.isNamedImports(b)) for (const e of b.elements) if (!e.isTypeOnly && e.name.text === name) return e;
    } else if (t.isImportEqualsDeclaration(s) && !t.isExternalModuleReference(s.moduleReference) && s.name.text === name) return s;
  }
  return undefined;
}

/** A `var` declaration of `name` anywhere in `body`, not inside a nested function or class. */
function hoistedVar(t: TS, body: ts.Node, name: string): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    if (found !== undefined || isFunctionLike(t, n) || t.isClassLike(n)) return;
    if (t.isVariableDeclarationList(n) && !(n.flags & t.NodeFlags.BlockScoped) && !hasDeclare(t, n.parent)) {
      for (const d of n.declarations) if (bindingIdentifiers(t, d.name).some((i) => i.text === name)) found = d;
    }
    t.forEachChild(n, visit);
  };
  t.forEachChild(body, visit);
  return found;
}

/** The declaration `scope` makes of `name` (scopes: files, blocks, functions, classes, for, catch). */
function declaresName(t: TS, scope: ts.Node, name: string): ts.Node | undefined {
  if (t.isSourceFile(scope) || t.isBlock(scope) || t.isModuleBlock(scope)) {
    const own = declaredBy(t, scope.statements, name);
    if (own !== undefined) return own;
    if (t.isSourceFile(scope) || (t.isBlock(scope) && isFunctionLike(t, scope.parent))) return hoistedVar(t, scope, name);
    return undefined;
  }
  if (t.isCaseBlock(scope)) {
    for (const c of scope.clauses) {
      const d = declaredBy(t, c.statements, name);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isFunctionLike(t, scope)) {
    for (const p of scope.parameters) if (bindingIdentifiers(t, p.name).some((i) => i.text === name)) return p;
    if (t.isFunctionExpression(scope) && scope.name?.text === name) return scope;
    return undefined;
  }
  if (t.isClassLike(scope)) return scope.name?.text === name ? scope : undefined;
  if (t.isForStatement(scope) || t.isForOfStatement(scope) || t.isForInStatement(scope)) {
    const init = scope.initializer;
    if (init !== undefined && t.isVariableDeclarationList(init)) {
      for (const d of init.declarations) if (bindingIdentifiers(t, d.name).some((i) => i.text === name)) return d;
    }
    return undefined;
  }
  if (t.isCatchClause(scope)) {
    const v = scope.variableDeclaration;
    return v !== undefined && bindingIdentifiers(t, v.name).some((i) => i.text === name) ? v : undefined;
  }
  return undefined;
}

/** Without types: the nearest enclosing declaration of the identifier's name (an approximation of the scope rules). */
function lookup(t: TS, id: ts.Identifier): Binding | undefined {
  for (let n: ts.Node | undefined = id.parent; n !== undefined; n = n.parent) {
    const decl = declaresName(t, n, id.text);
    if (decl !== undefined) return { decl, scope: n };
  }
  return undefined;
}

/** True when the identifier is a name of something (a declaration, a property, a label), not a use of a binding. */
function isNameOnly(t: TS, id: ts.Identifier): boolean {
  const p = id.parent;
  if (t.isShorthandPropertyAssignment(p)) return false;
  if ((p as { name?: ts.Node }).name === id || (p as { propertyName?: ts.Node }).propertyName === id) return true;
  if (t.isQualifiedName(p) && p.right === id) return true;
  if ((t.isLabeledStatement(p) || t.isBreakStatement(p) || t.isContinueStatement(p)) && p.label === id) return true;
  return false;
}

/** True when the node is part of a type (where a name is never a value), but not the class in `class X extends Y`. */
function inTypePosition(t: TS, node: ts.Node): boolean {
  for (let n: ts.Node = node; n.parent !== undefined; n = n.parent) {
    if (t.isExpressionWithTypeArguments(n) && t.isHeritageClause(n.parent) && n.parent.token === t.SyntaxKind.ExtendsKeyword && t.isClassLike(n.parent.parent)) return false;
    if (t.isTypeNode(n) || t.isTypeAliasDeclaration(n) || t.isInterfaceDeclaration(n)) return true;
    if (t.isStatement(n) || t.isSourceFile(n)) return false;
  }
  return false;
}

class SafeSubset {
  readonly t: TS;
  readonly sf: ts.SourceFile;
  readonly host: PolicyHost | undefined;
  /** The arithmetic and bitwise operators and their compound assignments: the result is always a number (or a bigint). */
  readonly numericOperators: ReadonlySet<ts.SyntaxKind>;
  /** Where reports were made, to leave alone an `any` that comes out of something already reported. */
  readonly reported: ts.Node[] = [];
  /** Expressions that may bring in an `any`, judged after the walk (see anySource). */
  readonly sources: (readonly [ts.Expression, ts.Expression])[] = [];

  constructor(readonly ctx: RuleContext) {
    this.t = ctx.ts;
    this.sf = ctx.sourceFile;
    this.host = ctx.host;
    const k = this.t.SyntaxKind;
    this.numericOperators = new Set([
      k.MinusToken, k.AsteriskToken, k.AsteriskAsteriskToken, k.SlashToken, k.PercentToken, k.AmpersandToken, k.BarToken, k.CaretToken,
      k.LessThanLessThanToken, k.GreaterThanGreaterThanToken, k.GreaterThanGreaterThanGreaterThanToken,
      k.MinusEqualsToken, k.AsteriskEqualsToken, k.AsteriskAsteriskEqualsToken, k.SlashEqualsToken, k.PercentEqualsToken, k.AmpersandEqualsToken,
      k.BarEqualsToken, k.CaretEqualsToken, k.LessThanLessThanEqualsToken, k.GreaterThanGreaterThanEqualsToken, k.GreaterThanGreaterThanGreaterThanEqualsToken,
    ]);
  }

  report(node: ts.Node, message: string): void {
    this.reported.push(node);
    this.ctx.report(node, message);
  }

  run(): void {
    this.comments();
    walk(this.t, this.sf, (n) => this.visit(n));
    for (const [n, inner] of this.sources) this.anySource(n, inner);
  }

  // ---- @ts-ignore and friends ---------------------------------------------------------------------

  /** Every comment of the file (from the trivia before each token), checked for directives. */
  comments(): void {
    const t = this.t;
    const text = this.sf.text;
    const seen = new Set<number>();
    const check = (r: ts.CommentRange): void => {
      if (seen.has(r.pos)) return;
      seen.add(r.pos);
      const m = /@ts-(ignore|expect-error|nocheck)\b/.exec(text.slice(r.pos, r.end));
      if (m === null) return;
      const what = m[1] === 'nocheck' ? 'turns off type checking for the whole file' : 'silences the compiler on the next line';
      this.report(this.commentNode(r), `\`@ts-${m[1]}\` ${what}, and the checker's guarantees rest on the compiler's; fix the error instead`);
    };
    const leaves = (n: ts.Node): void => {
      if (t.isJSDoc(n)) return; // its text is in the trivia of the token after it
      const children = n.getChildren(this.sf);
      if (children.length === 0 || n.kind === t.SyntaxKind.EndOfFileToken) {
        for (const r of t.getLeadingCommentRanges(text, n.pos) ?? []) check(r);
        for (const r of t.getTrailingCommentRanges(text, n.pos) ?? []) check(r);
      }
      for (const c of children) leaves(c);
    };
    leaves(this.sf);
  }

  /** A node spanning a comment, to report at: a JSDoc-kind node, whose start is not moved past comments. */
  commentNode(r: ts.CommentRange): ts.Node {
    const n = this.t.setTextRange(this.t.factory.createJSDocText(''), r);
    (n as { parent: ts.Node }).parent = this.sf;
    return n;
  }

  // ---- the walk -------------------------------------------------------------------------------------

  visit(n: ts.Node): void {
    const t = this.t;
    const k = t.SyntaxKind;
    switch (n.kind) {
      case k.AnyKeyword:
        this.report(n, ANY);
        return;
      case k.WithStatement:
        this.report(n.getFirstToken(this.sf) ?? n, "`with` turns every name inside it into a lookup on an object, so no name there can be checked; name the object's members explicitly");
        return;
      case k.DebuggerStatement:
        this.report(n, '`debugger` stops the whole kernel when an inspector is attached; remove it (print through `sys.print` to trace)');
        return;
      case k.NonNullExpression:
        this.report(n, `\`${snippet(this.sf, n)}\` asserts that the value is not null or undefined without checking it; test it (\`if (x === undefined) ...\`) or use \`?.\` / \`??\``);
        return;
      case k.ImportDeclaration:
        if (t.isImportDeclaration(n)) this.importOfGlobal(n);
        return;
      case k.ImportEqualsDeclaration:
        if (t.isImportEqualsDeclaration(n) && t.isExternalModuleReference(n.moduleReference)) {
          this.report(n, "`import x = require(...)` loads a module outside the domain's bundle; import the trusted library or the IDL with a static `import`");
        }
        return;
    }
    if (t.isAsExpression(n) || t.isTypeAssertionExpression(n)) {
      if (!t.isConstTypeReference(n.type)) {
        this.report(n, `\`${snippet(this.sf, n)}\` asserts a type the compiler does not check (it can make any value look like an RRef); narrow with \`typeof\`, \`instanceof\` or a type guard, or declare the right type (\`as const\` and \`satisfies\` are fine)`);
      }
    } else if (t.isCallExpression(n)) {
      if (n.expression.kind === k.ImportKeyword) {
        this.report(n, "`import()` loads a module at run time, outside the domain's checked bundle (node:fs, say); import the trusted library or the IDL with a static `import`");
      }
      this.sources.push([n, n.expression]);
    } else if (t.isNewExpression(n)) this.sources.push([n, n.expression]);
    else if (t.isTaggedTemplateExpression(n)) this.sources.push([n, n.tag]);
    else if (t.isAwaitExpression(n)) this.sources.push([n, n.expression]);
    else if (t.isIdentifier(n)) this.identifier(n);
    else if (t.isPropertyAccessExpression(n)) this.propertyAccess(n);
    else if (t.isElementAccessExpression(n)) this.elementAccess(n);
    else if (t.isObjectLiteralExpression(n)) this.objectLiteral(n);
    else if (t.isObjectBindingPattern(n)) this.bindingPattern(n);
    else if (t.isVariableDeclaration(n)) this.variable(n);
    else if (t.isParameter(n)) this.parameter(n);
    else if (t.isCatchClause(n)) this.catchClause(n);
    else if (t.isPropertyDeclaration(n) && n.exclamationToken !== undefined) this.definite(n.exclamationToken);
    if (n.kind === k.DeclareKeyword && n.parent !== undefined && t.canHaveModifiers(n.parent)) {
      this.report(n, "`declare` states that a value exists without defining it, so nothing checks its type (and `declare const process` would hide a global from this rule); define the value, or import it");
    }
  }

  /** `import { setTimeout as later } from 'node:timers'`: a forbidden global under another name. */
  importOfGlobal(n: ts.ImportDeclaration): void {
    const t = this.t;
    const b = n.importClause?.namedBindings;
    if (!t.isStringLiteral(n.moduleSpecifier) || n.moduleSpecifier.text.startsWith('.') || b === undefined || !t.isNamedImports(b)) return;
    for (const e of b.elements) {
      const name = e.propertyName ?? e.name;
      const msg = t.isIdentifier(name) ? GLOBALS.get(name.text) : undefined;
      if (msg !== undefined && !e.isTypeOnly && !n.importClause?.isTypeOnly) this.report(name, msg);
    }
  }

  definite(token: ts.Node): void {
    this.report(token, 'a definite assignment assertion (`x!: T`) tells the compiler the value is assigned before use without checking it; initialise it, or include `undefined` in its type');
  }

  // ---- names ----------------------------------------------------------------------------------------

  /** True when the identifier, a use of a name, refers to a global (not a declaration of this domain). */
  isGlobal(id: ts.Identifier): boolean {
    const host = this.host;
    if (host === undefined) return lookup(this.t, id) === undefined;
    const p = id.parent;
    let sym = this.t.isShorthandPropertyAssignment(p) && p.name === id ? host.checker.getShorthandAssignmentValueSymbol(p) : host.checker.getSymbolAtLocation(id);
    if (sym === undefined) return true; // `arguments`, or a name nothing declares
    sym = resolveAlias(host, sym);
    const decls = sym.declarations ?? [];
    // Globals are declared by the default library or by ambient declarations (@types/node),
    // never by a .ts file of the program; an import from a package resolves to one too. A
    // `declare` in the domain's own file defines nothing either: the name is still the global.
    return decls.length === 0 || decls.every((d) => d.getSourceFile().isDeclarationFile || this.isAmbient(d));
  }

  /** Whether the declaration is in a `declare` (itself or a `declare namespace` around it). */
  isAmbient(d: ts.Node): boolean {
    for (let n: ts.Node | undefined = d; n !== undefined; n = n.parent) if (hasDeclare(this.t, n)) return true;
    return false;
  }

  identifier(id: ts.Identifier): void {
    const t = this.t;
    if (isNameOnly(t, id) || inTypePosition(t, id)) return;
    const msg = GLOBALS.get(id.text);
    if (msg !== undefined) {
      if (this.isGlobal(id)) this.report(id, msg);
      return;
    }
    if (isWriteTarget(t, id) && this.isGlobal(id)) {
      this.report(id, `assigning the global \`${id.text}\` changes it for the whole realm, the trusted library's code included; declare a variable of your own`);
    }
  }

  /** True when `e` is an identifier naming a global (the receiver of `Object.create`, `Math.random = ...`). */
  isGlobalName(e: ts.Expression, name?: string): e is ts.Identifier {
    const x = skipParens(this.t, e);
    return this.t.isIdentifier(x) && (name === undefined || x.text === name) && this.isGlobal(x);
  }

  /** A write to a member of a global (`Math.random = ...`): the realm's built-ins are shared with the trusted library. */
  globalMemberWrite(access: ts.PropertyAccessExpression | ts.ElementAccessExpression): void {
    const x = skipParens(this.t, access.expression);
    if (!this.t.isIdentifier(x) || GLOBALS.has(x.text) || !isWriteTarget(this.t, access) || !this.isGlobal(x)) return;
    this.report(access, `writing \`${snippet(this.sf, access)}\` changes a built-in of this realm, which the trusted library's code here relies on; leave built-ins as they are and define your own function or variable`);
  }

  /** The static of Object that `name` reaches on `receiver`, when it is one of the forbidden ones. */
  isObjectStatic(receiver: ts.Expression, name: string, nameNode: ts.Node | undefined): boolean {
    if (!OBJECT_STATICS.has(name)) return false;
    const host = this.host;
    if (host === undefined) return this.isGlobalName(receiver, 'Object');
    // With types, by the declaration of the member: `const O = Object; O.create(...)` too.
    const checker = host.checker;
    const sym = nameNode !== undefined ? checker.getSymbolAtLocation(nameNode) : checker.getPropertyOfType(checker.getTypeAtLocation(receiver), name);
    const t = this.t;
    return (sym?.declarations ?? []).some((d) => d.getSourceFile().isDeclarationFile && t.isInterfaceDeclaration(d.parent) && d.parent.name.text === 'ObjectConstructor');
  }

  /** Reports a use of property `name` (a member access, a literal key, a destructured key) when it is forbidden. */
  propertyName(node: ts.Node, name: string, receiver: ts.Expression | undefined, nameNode: ts.Node | undefined): boolean {
    const msg = PROPERTIES.get(name);
    if (msg !== undefined) {
      this.report(node, msg);
      return true;
    }
    if (receiver !== undefined && this.isObjectStatic(receiver, name, nameNode)) {
      this.report(node, OBJECT_STATICS.get(name) ?? name);
      return true;
    }
    return false;
  }

  propertyAccess(n: ts.PropertyAccessExpression): void {
    if (this.t.isIdentifier(n.name) && this.propertyName(n.name, n.name.text, n.expression, n.name)) return;
    this.globalMemberWrite(n);
    this.sources.push([n, n.expression]);
  }

  elementAccess(n: ts.ElementAccessExpression): void {
    const t = this.t;
    const key = skipParens(t, n.argumentExpression);
    if (t.isStringLiteralLike(key)) {
      if (this.propertyName(key, key.text, n.expression, undefined)) return;
    } else if (!t.isNumericLiteral(key)) {
      const objType = this.host === undefined ? undefined : this.host.checker.getTypeAtLocation(n.expression);
      const why = this.computedKey(key, objType, true);
      if (why !== undefined) {
        this.report(n, `\`${snippet(this.sf, n)}\`: ${why}`);
        return;
      }
    }
    this.globalMemberWrite(n);
    this.sources.push([n, n.expression]);
  }

  // ---- computed keys --------------------------------------------------------------------------------

  /**
   * Why the computed key `key` is not safe on an object of type `objType` (undefined when it is):
   * a key that can be any string can name what the object inherits (`constructor`, `__proto__`),
   * which its type does not show. Numbers cannot; neither can symbols, nor string literal types
   * that the object's type declares.
   */
  computedKey(key: ts.Expression, objType: ts.Type | undefined, arrayOnly: boolean): string | undefined {
    const t = this.t;
    const host = this.host;
    const use = 'a computed key that can be any string reaches what the object inherits (`constructor`, `__proto__`), which its type does not show; use a Map for string keys, or index an array, tuple or typed array with a number';
    if (host === undefined) {
      // Without types, only a key that is a number by its syntax (or a declared `number`).
      if (this.isNumeric(key, new Set())) return undefined;
      if (t.isPropertyAccessExpression(key) && this.isGlobalName(key.expression, 'Symbol')) return undefined;
      return `${use} (without type information only a key that is a number by its syntax, or a name declared \`number\`, is let through)`;
    }
    const checker = host.checker;
    const keyType = checker.getTypeAtLocation(key);
    const parts = keyType.isUnion() ? keyType.types : [keyType];
    const f = t.TypeFlags;
    if (parts.every((p) => (p.flags & f.ESSymbolLike) !== 0)) return undefined;
    if (parts.every((p) => (p.flags & f.NumberLike) !== 0)) {
      if (!arrayOnly || (objType !== undefined && this.isArrayLike(objType))) return undefined;
      return 'a number indexes only an array, a tuple, a typed array or a type with a number index signature; use one of those';
    }
    if (objType !== undefined && parts.every((p) => p.isStringLiteral())) {
      const apparent = checker.getApparentType(checker.getNonNullableType(objType));
      const bad = parts.find((p) => p.isStringLiteral() && (PROPERTIES.has(p.value) || checker.getPropertyOfType(apparent, p.value) === undefined));
      if (bad === undefined) return undefined;
    }
    return use;
  }

  isArrayLike(type: ts.Type): boolean {
    const host = this.host;
    if (host === undefined) return false;
    const checker = host.checker;
    const f = this.t.TypeFlags;
    const nn = checker.getNonNullableType(type);
    const parts = nn.isUnion() ? nn.types : [nn];
    return parts.every((p) => {
      const a = checker.getApparentType(p);
      return checker.isArrayType(a) || checker.isTupleType(a) || checker.getIndexInfosOfType(a).some((i) => (i.keyType.flags & f.NumberLike) !== 0);
    });
  }

  /** Without types: whether `e` is a number by its syntax (arithmetic, a counter, a declared `number`). */
  isNumeric(e: ts.Expression, visiting: Set<ts.Node>): boolean {
    const t = this.t;
    const k = t.SyntaxKind;
    e = skipParens(t, e);
    if (t.isNumericLiteral(e) || t.isBigIntLiteral(e)) return true;
    if (t.isPrefixUnaryExpression(e)) return e.operator !== k.ExclamationToken;
    if (t.isPostfixUnaryExpression(e)) return true;
    if (t.isConditionalExpression(e)) return this.isNumeric(e.whenTrue, visiting) && this.isNumeric(e.whenFalse, visiting);
    if (t.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === k.PlusToken || op === k.PlusEqualsToken) return this.isNumeric(e.left, visiting) && this.isNumeric(e.right, visiting);
      if (op === k.EqualsToken || op === k.CommaToken) return this.isNumeric(e.right, visiting);
      if (op === k.QuestionQuestionToken || op === k.BarBarToken || op === k.AmpersandAmpersandToken) return this.isNumeric(e.left, visiting) && this.isNumeric(e.right, visiting);
      return this.numericOperators.has(op);
    }
    if (t.isCallExpression(e) && t.isPropertyAccessExpression(e.expression)) return this.isGlobalName(e.expression.expression, 'Math');
    if (t.isIdentifier(e)) return this.isNumericBinding(e, visiting);
    return false;
  }

  isNumericBinding(id: ts.Identifier, visiting: Set<ts.Node>): boolean {
    const t = this.t;
    const b = lookup(t, id);
    if (b === undefined) return false;
    if (visiting.has(b.decl)) return true;
    visiting.add(b.decl);
    const decl = b.decl;
    if ((t.isParameter(decl) || t.isVariableDeclaration(decl)) && t.isIdentifier(decl.name) && decl.type !== undefined) {
      // A declared type: the compiler holds it to that, and nothing in the subset can lie to it.
      return this.isNumericType(decl.type);
    }
    if (!t.isVariableDeclaration(decl) || !t.isIdentifier(decl.name) || decl.initializer === undefined) return false;
    if (!this.isNumeric(decl.initializer, visiting)) return false;
    if (decl.parent.flags & t.NodeFlags.Const) return true;
    // A `let` or `var`: by induction, it stays a number when every write to the name keeps a
    // number a number (while that is checked, the name itself counts as one: see the guard above).
    const k = t.SyntaxKind;
    let numeric = true;
    walk(t, b.scope, (n) => {
      if (!numeric || !t.isIdentifier(n) || n.text !== id.text || !isWriteTarget(t, n)) return;
      let p: ts.Node = n.parent;
      while (t.isParenthesizedExpression(p)) p = p.parent;
      if (t.isPrefixUnaryExpression(p) || t.isPostfixUnaryExpression(p)) return;
      if (t.isBinaryExpression(p)) {
        const op = p.operatorToken.kind;
        if (op === k.EqualsToken || op === k.PlusEqualsToken || op === k.QuestionQuestionEqualsToken || op === k.BarBarEqualsToken || op === k.AmpersandAmpersandEqualsToken) {
          if (this.isNumeric(p.right, visiting)) return;
        } else if (this.numericOperators.has(op)) return;
      }
      numeric = false;
    });
    return numeric;
  }

  isNumericType(type: ts.TypeNode): boolean {
    const t = this.t;
    const k = t.SyntaxKind;
    if (type.kind === k.NumberKeyword || type.kind === k.BigIntKeyword) return true;
    if (t.isLiteralTypeNode(type)) return t.isNumericLiteral(type.literal) || t.isPrefixUnaryExpression(type.literal);
    if (t.isUnionTypeNode(type)) return type.types.every((x) => this.isNumericType(x));
    if (t.isParenthesizedTypeNode(type)) return this.isNumericType(type.type);
    return false;
  }

  // ---- literals and patterns ------------------------------------------------------------------------

  objectLiteral(n: ts.ObjectLiteralExpression): void {
    const t = this.t;
    // A literal that is a destructuring target reads its keys from the value assigned.
    const pattern = isWriteTarget(t, n);
    for (const p of n.properties) {
      const name = p.name === undefined ? undefined : t.isComputedPropertyName(p.name) ? skipParens(t, p.name.expression) : p.name;
      if (name === undefined) continue;
      if (t.isIdentifier(name) || t.isStringLiteralLike(name) || t.isPrivateIdentifier(name)) {
        if (pattern ? PROPERTIES.has(name.text) : LITERAL_KEYS.has(name.text)) this.propertyName(name, name.text, undefined, undefined);
      } else if (pattern && t.isComputedPropertyName(p.name!) && !t.isNumericLiteral(name)) {
        const why = this.computedKey(name, undefined, false);
        if (why !== undefined) this.report(p.name!, `\`${snippet(this.sf, p.name!)}\`: ${why}`);
      }
    }
  }

  bindingPattern(n: ts.ObjectBindingPattern): void {
    const t = this.t;
    const init = t.isVariableDeclaration(n.parent) ? n.parent.initializer : undefined;
    const sourceType = this.host?.checker.getTypeAtLocation(n);
    for (const e of n.elements) {
      const key = e.propertyName ?? e.name;
      if (t.isIdentifier(key) || t.isStringLiteralLike(key)) {
        if (PROPERTIES.has(key.text)) this.propertyName(key, key.text, undefined, undefined);
        else if (OBJECT_STATICS.has(key.text) && this.destructuresObject(init, sourceType, key.text)) this.report(key, OBJECT_STATICS.get(key.text) ?? key.text);
      } else if (t.isComputedPropertyName(key)) {
        const x = skipParens(t, key.expression);
        if (t.isStringLiteralLike(x)) {
          if (PROPERTIES.has(x.text)) this.propertyName(x, x.text, undefined, undefined);
        } else if (!t.isNumericLiteral(x)) {
          const why = this.computedKey(x, sourceType, false);
          if (why !== undefined) this.report(key, `\`${snippet(this.sf, key)}\`: ${why}`);
        }
      }
    }
  }

  /** `const { create } = Object`: the pattern takes a forbidden static of Object. */
  destructuresObject(init: ts.Expression | undefined, sourceType: ts.Type | undefined, name: string): boolean {
    const host = this.host;
    if (host === undefined || sourceType === undefined) return init !== undefined && this.isGlobalName(init, 'Object');
    const sym = host.checker.getPropertyOfType(sourceType, name);
    const t = this.t;
    return (sym?.declarations ?? []).some((d) => d.getSourceFile().isDeclarationFile && t.isInterfaceDeclaration(d.parent) && d.parent.name.text === 'ObjectConstructor');
  }

  // ---- implicit any (with types) --------------------------------------------------------------------

  isAny(node: ts.Node): boolean {
    const host = this.host;
    return host !== undefined && (host.checker.getTypeAtLocation(node).flags & this.t.TypeFlags.Any) !== 0;
  }

  /**
   * A value of type `any` coming out of something that is not itself `any` (`JSON.parse(s)`,
   * `xs[0]` of an `any[]`): reported where it is used, unless it goes straight into `unknown`
   * or is thrown away. What is computed from it is `any` too and not reported again. Runs after
   * the walk, when what `inner` holds has been reported.
   */
  anySource(n: ts.Expression, inner: ts.Expression): void {
    const host = this.host;
    if (host === undefined || inner.kind === this.t.SyntaxKind.ImportKeyword || !this.isAny(n) || this.isAny(inner)) return;
    // `eval(s)`, `Reflect.get(o, k)`, `Object.create(p)`: the `any` comes out of something already reported.
    const [from, to] = [inner.getStart(this.sf), inner.getEnd()];
    if (this.reported.some((r) => r.getStart(this.sf) >= from && r.getEnd() <= to)) return;
    const t = this.t;
    let outer: ts.Expression = n;
    while (t.isParenthesizedExpression(outer.parent)) outer = outer.parent;
    const p = outer.parent;
    if (t.isExpressionStatement(p) || t.isVoidExpression(p)) return;
    const contextual = host.checker.getContextualType(outer);
    if (contextual !== undefined && (contextual.flags & t.TypeFlags.Unknown) !== 0) return;
    this.report(n, `\`${snippet(this.sf, n)}\` has type \`any\`, which turns off type checking where it is used (it could be passed where an RRef is expected); assign it to a variable declared \`unknown\` and narrow it`);
  }

  /** Whether `e` is reported by anySource (then the variable it initialises is not reported again). */
  isReportedSource(e: ts.Expression): boolean {
    const t = this.t;
    const x = skipParens(t, e);
    return this.isAny(x) && (t.isCallExpression(x) || t.isNewExpression(x) || t.isPropertyAccessExpression(x) || t.isElementAccessExpression(x) || t.isTaggedTemplateExpression(x) || t.isAwaitExpression(x) || t.isIdentifier(x) || t.isAsExpression(x) || t.isTypeAssertionExpression(x));
  }

  variable(d: ts.VariableDeclaration): void {
    const t = this.t;
    if (d.exclamationToken !== undefined) this.definite(d.exclamationToken);
    if (this.host === undefined || d.type !== undefined || t.isCatchClause(d.parent)) return;
    const list = d.parent;
    const inFor = t.isVariableDeclarationList(list) && (t.isForOfStatement(list.parent) || t.isForInStatement(list.parent));
    // `let x;` is typed by what is assigned to it, and the compiler checks each use.
    if (d.initializer === undefined && !inFor) return;
    // The initializer is reported itself when it is where the `any` comes from.
    if (d.initializer !== undefined && t.isIdentifier(d.name) && this.isReportedSource(d.initializer)) return;
    for (const id of bindingIdentifiers(t, d.name)) {
      if (this.isAny(id)) this.report(id, `\`${id.text}\` has type \`any\` (inferred, not declared), which turns off type checking wherever it is used; declare it \`unknown\` and narrow it, or give the precise type`);
    }
  }

  parameter(p: ts.ParameterDeclaration): void {
    if (this.host === undefined || p.type !== undefined) return;
    for (const id of bindingIdentifiers(this.t, p.name)) {
      if (id.text === 'this') continue;
      if (this.isAny(id)) this.report(id, `parameter \`${id.text}\` has type \`any\` (nothing declares or implies its type); declare its type, \`unknown\` if it can be anything`);
    }
  }

  catchClause(c: ts.CatchClause): void {
    const v = c.variableDeclaration;
    if (this.host === undefined || v === undefined || v.type !== undefined) return;
    for (const id of bindingIdentifiers(this.t, v.name)) {
      if (this.isAny(id)) this.report(id, `\`catch (${id.text})\` has type \`any\` here (useUnknownInCatchVariables is off); write \`catch (${id.text}: unknown)\` and narrow it`);
    }
  }
}

export const safeSubset: DomainRule = {
  id: 'safe-subset',
  description: 'domain code keeps to a subset of TypeScript whose types tell the truth and that reaches nothing it was not handed',
  needsTypes: false,
  check(ctx) {
    if (ctx.domainDir === undefined) return;
    new SafeSubset(ctx).run();
  },
};

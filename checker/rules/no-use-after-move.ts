// no-use-after-move: an RRef that was moved (into a call that takes ownership, into a container,
// or dropped) is not used again. The kernel revokes a moved handle, so a later use throws at run
// time; this rule finds it before the domain runs, as Rust's borrow checker would.
//
// The analysis is a small forward data flow over one function body at a time: the state is the
// set of handle variables that may have been moved on some path (with where), joined at merges,
// iterated to a fixed point around loops. Only variables (identifiers) are tracked.
import type * as ts from 'typescript';
import { isTrusted } from '../policy/host.ts';
import type { PolicyHost, TypeScript } from '../policy/host.ts';
import type { DomainRule } from './rule.ts';

const handleClasses = ['RRefImpl', 'RRefVecImpl', 'RRefArrayImpl', 'RRefDequeImpl'] as const;

/** True when `type` (or a member of its union) is one of the trusted handle classes. */
export function isHandleType(host: PolicyHost, type: ts.Type): boolean {
  const parts = type.isUnion() ? type.types : [type];
  return parts.some((p) => {
    const s = p.getSymbol();
    return handleClasses.some((name) => isTrusted(host, s, name));
  });
}

/** Where and how a variable lost its handle. */
interface Move {
  /** The variable the call consumed (differs from the reported one for an alias). */
  readonly variable: string;
  /** The call, as written (shortened when long). */
  readonly call: string;
  readonly line: number;
  /** Where the call ends: a use before that point comes from an earlier iteration of a loop. */
  readonly end: number;
  readonly kind: 'call' | 'store' | 'drop';
}

class State {
  constructor(
    readonly moved: Map<ts.Symbol, Move> = new Map(),
    readonly aliases: Map<ts.Symbol, Set<ts.Symbol>> = new Map(),
  ) {}

  clone(): State {
    const aliases = new Map<ts.Symbol, Set<ts.Symbol>>();
    for (const [k, v] of this.aliases) aliases.set(k, new Set(v));
    return new State(new Map(this.moved), aliases);
  }

  /** Every variable that names the same handle as `s` (itself included). */
  group(s: ts.Symbol): Set<ts.Symbol> {
    const out = new Set<ts.Symbol>([s]);
    const todo = [s];
    while (todo.length > 0) {
      for (const a of this.aliases.get(todo.pop()!) ?? []) if (!out.has(a)) { out.add(a); todo.push(a); }
    }
    return out;
  }

  /** `s` now holds a new value: not moved, alias of nothing. */
  rebind(s: ts.Symbol): void {
    this.moved.delete(s);
    for (const a of this.aliases.get(s) ?? []) this.aliases.get(a)?.delete(s);
    this.aliases.delete(s);
  }

  alias(a: ts.Symbol, b: ts.Symbol): void {
    if (!this.aliases.has(a)) this.aliases.set(a, new Set());
    if (!this.aliases.has(b)) this.aliases.set(b, new Set());
    this.aliases.get(a)!.add(b);
    this.aliases.get(b)!.add(a);
  }

  sameAs(o: State): boolean {
    if (o.moved.size !== this.moved.size) return false;
    for (const k of this.moved.keys()) if (!o.moved.has(k)) return false;
    if (o.aliases.size !== this.aliases.size) return false;
    for (const [k, v] of this.aliases) {
      const w = o.aliases.get(k);
      if (w === undefined || w.size !== v.size) return false;
    }
    return true;
  }
}

type Flow = State | null;

/** May-moved union: a variable moved on any incoming path is moved after the merge. */
function join(...states: readonly Flow[]): Flow {
  let out: State | null = null;
  for (const s of states) {
    if (s === null) continue;
    if (out === null) { out = s.clone(); continue; }
    for (const [k, v] of s.moved) if (!out.moved.has(k)) out.moved.set(k, v);
    for (const [k, v] of s.aliases) for (const a of v) out.alias(k, a);
  }
  return out;
}

interface Target {
  readonly kind: 'loop' | 'switch' | 'label';
  readonly label: string | undefined;
  readonly breaks: State[];
  readonly continues: State[];
}

const LONG = 60;

class Analyzer {
  readonly reports = new Map<ts.Node, string>();
  private targets: Target[] = [];
  /** Throw points of the enclosing try blocks: the states a catch clause may start from. */
  private sinks: State[][] = [];
  private readonly checker: ts.TypeChecker;

  constructor(private readonly t: TypeScript, private readonly host: PolicyHost, private readonly sf: ts.SourceFile) {
    this.checker = host.checker;
  }

  body(node: ts.Node): void {
    this.targets = [];
    this.sinks = [];
    const t = this.t;
    const st = new State();
    if (t.isSourceFile(node) || t.isBlock(node) || t.isModuleBlock(node)) this.stmts(node.statements, st);
    else this.expr(node as ts.Expression, st);
  }

  // ---- reporting --------------------------------------------------------------------------------

  private message(use: ts.Identifier, m: Move, sameCall: boolean): string {
    const name = use.text;
    const who = name === m.variable ? `\`${name}\`` : `\`${name}\` (an alias of \`${m.variable}\`)`;
    const when = !sameCall && use.getStart(this.sf) < m.end ? ' in an earlier iteration of the loop' : '';
    switch (m.kind) {
      case 'drop':
        return `${who} was dropped by \`${m.call}\` on line ${m.line}${when} and cannot be used again; allocate a new RRef if you need one`;
      case 'store':
        return `${who} was moved into \`${m.call}\` on line ${m.line}${when} and cannot be used again; the container owns it now: take it back out (take, popFront) to use it`;
      default:
        return `${who} was moved into \`${m.call}\` on line ${m.line}${when} and cannot be used again; use the RRef the call returned, or lend it with a Borrowed parameter`;
    }
  }

  private symbolOf(id: ts.Identifier): ts.Symbol | undefined {
    const t = this.t;
    if (t.isShorthandPropertyAssignment(id.parent) && id.parent.name === id) return this.checker.getShorthandAssignmentValueSymbol(id.parent);
    return this.checker.getSymbolAtLocation(id);
  }

  private read(id: ts.Identifier, st: State, sameCall = false): void {
    const s = this.symbolOf(id);
    if (s === undefined) return;
    const m = st.moved.get(s);
    if (m !== undefined && !this.reports.has(id)) this.reports.set(id, this.message(id, m, sameCall));
  }

  // ---- statements -------------------------------------------------------------------------------

  private stmts(list: readonly ts.Statement[], st: Flow): Flow {
    for (const s of list) {
      if (st === null) return null; // unreachable code is left to the compiler
      st = this.stmt(s, st);
    }
    return st;
  }

  private stmt(n: ts.Statement, st: State, label?: string): Flow {
    const t = this.t;
    if (t.isBlock(n)) return this.stmts(n.statements, st);
    if (t.isVariableStatement(n)) return this.declarations(n.declarationList, st);
    if (t.isExpressionStatement(n)) return this.expr(n.expression, st);
    if (t.isIfStatement(n)) {
      const c = this.expr(n.expression, st);
      if (c === null) return null;
      const yes = this.stmt(n.thenStatement, c.clone());
      const no = n.elseStatement === undefined ? c : this.stmt(n.elseStatement, c.clone());
      return join(yes, no);
    }
    if (t.isReturnStatement(n)) {
      if (n.expression !== undefined) this.expr(n.expression, st);
      return null;
    }
    if (t.isThrowStatement(n)) {
      const s = this.expr(n.expression, st);
      if (s !== null) this.sink(s);
      return null;
    }
    if (t.isBreakStatement(n) || t.isContinueStatement(n)) {
      const target = this.target(n);
      if (target !== undefined) (t.isBreakStatement(n) ? target.breaks : target.continues).push(st.clone());
      return null;
    }
    if (t.isLabeledStatement(n)) {
      const inner = n.statement;
      if (t.isIterationStatement(inner, false)) return this.stmt(inner, st, n.label.text);
      const target: Target = { kind: 'label', label: n.label.text, breaks: [], continues: [] };
      this.targets.push(target);
      const out = this.stmt(inner, st);
      this.targets.pop();
      return join(out, ...target.breaks);
    }
    if (t.isIterationStatement(n, false)) return this.loop(n, st, label);
    if (t.isSwitchStatement(n)) return this.switch(n, st);
    if (t.isTryStatement(n)) return this.try(n, st);
    if (t.isExportAssignment(n)) return this.expr(n.expression, st);
    // Declarations of functions and classes are analysed on their own; types have no flow.
    return st;
  }

  private target(n: ts.BreakStatement | ts.ContinueStatement): Target | undefined {
    const t = this.t;
    for (let i = this.targets.length - 1; i >= 0; i--) {
      const g = this.targets[i]!;
      if (n.label !== undefined) { if (g.label === n.label.text) return g; continue; }
      if (g.kind === 'loop' || (g.kind === 'switch' && t.isBreakStatement(n))) return g;
    }
    return undefined;
  }

  private declarations(list: ts.VariableDeclarationList, st: Flow): Flow {
    for (const d of list.declarations) {
      if (st === null) return null;
      st = this.expr(d.initializer, st);
      if (st === null) return null;
      st = this.bindPattern(d.name, st);
      if (st !== null && this.t.isIdentifier(d.name) && d.initializer !== undefined) this.maybeAlias(d.name, d.initializer, st);
    }
    return st;
  }

  /** `const y = x` with x a handle: y names the same object, and moves with it. */
  private maybeAlias(name: ts.Identifier, init: ts.Expression, st: State): void {
    const source = this.unwrap(init);
    if (!this.t.isIdentifier(source)) return;
    const from = this.symbolOf(source);
    const to = this.checker.getSymbolAtLocation(name);
    if (from === undefined || to === undefined || from === to || !this.isVariable(from)) return;
    if (!isHandleType(this.host, this.checker.getTypeAtLocation(source))) return;
    st.alias(to, from);
  }

  /** A declaration or destructuring binds fresh values to every name in `name`. */
  private bindPattern(name: ts.BindingName, st: State): Flow {
    const t = this.t;
    if (t.isIdentifier(name)) {
      const s = this.checker.getSymbolAtLocation(name);
      if (s !== undefined) st.rebind(s);
      return st;
    }
    let cur: Flow = st;
    for (const el of name.elements) {
      if (cur === null) return null;
      if (t.isOmittedExpression(el)) continue;
      if (el.propertyName !== undefined && t.isComputedPropertyName(el.propertyName)) cur = this.expr(el.propertyName.expression, cur);
      if (cur !== null && el.initializer !== undefined) cur = join(cur, this.expr(el.initializer, cur.clone()));
      if (cur !== null) cur = this.bindPattern(el.name, cur);
    }
    return cur;
  }

  private loop(n: ts.IterationStatement, entry: State, label: string | undefined): Flow {
    const t = this.t;
    let head: State;
    if (t.isForStatement(n)) {
      let s: Flow = entry;
      if (n.initializer !== undefined) s = t.isVariableDeclarationList(n.initializer) ? this.declarations(n.initializer, s) : this.expr(n.initializer, s);
      if (s === null) return null;
      head = s;
    } else if (t.isForOfStatement(n) || t.isForInStatement(n)) {
      const s = this.expr(n.expression, entry);
      if (s === null) return null;
      head = s;
    } else {
      head = entry;
    }
    const endless = (c: ts.Expression | undefined): boolean => c === undefined || c.kind === t.SyntaxKind.TrueKeyword;
    for (let round = 0; ; round++) {
      const target: Target = { kind: 'loop', label, breaks: [], continues: [] };
      this.targets.push(target);
      let exitByCondition: Flow = null;
      let next: Flow;
      if (t.isForStatement(n) || t.isWhileStatement(n)) {
        const cond = t.isForStatement(n) ? n.condition : n.expression;
        const c = cond === undefined ? head.clone() : this.expr(cond, head.clone());
        if (!endless(cond)) exitByCondition = c;
        const body = c === null ? null : this.stmt(n.statement, c.clone());
        const cont = join(body, ...target.continues);
        next = cont !== null && t.isForStatement(n) && n.incrementor !== undefined ? this.expr(n.incrementor, cont) : cont;
      } else if (t.isForOfStatement(n) || t.isForInStatement(n)) {
        exitByCondition = head;
        let s: Flow = head.clone();
        const init = n.initializer;
        s = t.isVariableDeclarationList(init) ? this.bindList(init, s) : this.assignTarget(init, s);
        const body = s === null ? null : this.stmt(n.statement, s);
        next = join(body, ...target.continues);
      } else {
        // do ... while
        const d = n as ts.DoStatement;
        const body = this.stmt(d.statement, head.clone());
        const cont = join(body, ...target.continues);
        const c = cont === null ? null : this.expr(d.expression, cont);
        if (!endless(d.expression)) exitByCondition = c;
        next = c;
      }
      this.targets.pop();
      const merged = join(head, next)!;
      // States only grow, so this ends; the bound guards against a mistake of mine.
      if (merged.sameAs(head) || round > 50) return join(exitByCondition, ...target.breaks);
      head = merged;
    }
  }

  private bindList(list: ts.VariableDeclarationList, st: State): Flow {
    let cur: Flow = st;
    for (const d of list.declarations) if (cur !== null) cur = this.bindPattern(d.name, cur);
    return cur;
  }

  private switch(n: ts.SwitchStatement, entry: State): Flow {
    const t = this.t;
    const s = this.expr(n.expression, entry);
    if (s === null) return null;
    const target: Target = { kind: 'switch', label: undefined, breaks: [], continues: [] };
    this.targets.push(target);
    let fall: Flow = null;
    let hasDefault = false;
    for (const clause of n.caseBlock.clauses) {
      let c: Flow = join(s, fall);
      if (t.isCaseClause(clause)) c = c === null ? null : this.expr(clause.expression, c);
      else hasDefault = true;
      fall = this.stmts(clause.statements, c);
    }
    this.targets.pop();
    return join(fall, ...target.breaks, hasDefault ? null : s);
  }

  private try(n: ts.TryStatement, entry: State): Flow {
    const thrown: State[] = [];
    this.sinks.push(thrown);
    const tried = this.stmt(n.tryBlock, entry.clone());
    this.sinks.pop();
    const atThrow = join(entry, ...thrown)!;
    let caught: Flow = null;
    if (n.catchClause !== undefined) {
      let c: Flow = atThrow.clone();
      const v = n.catchClause.variableDeclaration;
      if (v !== undefined) c = this.bindPattern(v.name, c);
      caught = c === null ? null : this.stmt(n.catchClause.block, c);
    } else {
      this.sink(atThrow);
    }
    if (n.finallyBlock === undefined) return join(tried, caught);
    const fin = this.stmt(n.finallyBlock, join(tried, caught, n.catchClause === undefined ? atThrow : null) ?? entry.clone());
    return tried === null && caught === null ? null : fin;
  }

  private sink(st: State): void {
    const top = this.sinks[this.sinks.length - 1];
    if (top !== undefined) top.push(st.clone());
  }

  // ---- expressions ------------------------------------------------------------------------------

  private unwrap(e: ts.Expression): ts.Expression {
    const t = this.t;
    while (t.isParenthesizedExpression(e) || t.isAsExpression(e) || t.isNonNullExpression(e) || t.isSatisfiesExpression(e) || t.isTypeAssertionExpression(e)) e = e.expression;
    return e;
  }

  private isVariable(s: ts.Symbol): boolean {
    const t = this.t;
    const d = s.valueDeclaration;
    return d !== undefined && (t.isVariableDeclaration(d) || t.isParameter(d) || t.isBindingElement(d));
  }

  private expr(n: ts.Node | undefined, st: State): Flow {
    if (n === undefined) return st;
    const t = this.t;
    const K = t.SyntaxKind;
    if (t.isIdentifier(n)) { this.read(n, st); return st; }
    if (t.isTypeNode(n)) return st;
    if (t.isFunctionExpression(n) || t.isArrowFunction(n) || t.isMethodDeclaration(n) || t.isAccessor(n)) { this.captures(n, st); return st; }
    if (t.isClassExpression(n)) return st;
    if (t.isCallExpression(n) || t.isNewExpression(n)) return this.call(n, st);
    if (t.isPropertyAccessExpression(n)) {
      // Asking whether a handle is still valid is how code checks for a move: allowed.
      if (n.name.text === 'isValid' && t.isIdentifier(this.unwrap(n.expression))) return st;
      return this.expr(n.expression, st);
    }
    if (t.isShorthandPropertyAssignment(n)) { this.read(n.name, st); return this.expr(n.objectAssignmentInitializer, st); }
    if (t.isPropertyAssignment(n)) {
      const s = t.isComputedPropertyName(n.name) ? this.expr(n.name.expression, st) : st;
      return s === null ? null : this.expr(n.initializer, s);
    }
    if (t.isConditionalExpression(n)) {
      const c = this.expr(n.condition, st);
      if (c === null) return null;
      return join(this.expr(n.whenTrue, c.clone()), this.expr(n.whenFalse, c.clone()));
    }
    if (t.isBinaryExpression(n)) {
      const op = n.operatorToken.kind;
      if (op === K.AmpersandAmpersandToken || op === K.BarBarToken || op === K.QuestionQuestionToken) {
        const l = this.expr(n.left, st);
        if (l === null) return null;
        return join(l, this.expr(n.right, l.clone()));
      }
      if (op === K.EqualsToken) {
        const left = this.unwrap(n.left);
        if (t.isIdentifier(left)) {
          const s = this.expr(n.right, st);
          if (s === null) return null;
          const sym = this.checker.getSymbolAtLocation(left);
          if (sym !== undefined) { s.rebind(sym); this.maybeAlias(left, n.right, s); }
          return s;
        }
        if (t.isObjectLiteralExpression(left) || t.isArrayLiteralExpression(left)) {
          const s = this.expr(n.right, st);
          return s === null ? null : this.assignTarget(left, s);
        }
        // a.b = v: a is read first, then v.
        const s = this.expr(left, st);
        return s === null ? null : this.expr(n.right, s);
      }
      if (op === K.AmpersandAmpersandEqualsToken || op === K.BarBarEqualsToken || op === K.QuestionQuestionEqualsToken) {
        const l = this.expr(n.left, st);
        if (l === null) return null;
        const r = this.expr(n.right, l.clone());
        const left = this.unwrap(n.left);
        if (r !== null && t.isIdentifier(left)) { const sym = this.checker.getSymbolAtLocation(left); if (sym !== undefined) r.rebind(sym); }
        return join(l, r);
      }
    }
    // Everything else: the children in evaluation order.
    let cur: Flow = st;
    t.forEachChild(n, (c) => {
      if (cur !== null) cur = this.expr(c, cur);
    });
    return cur;
  }

  /** The targets of a destructuring assignment (or a for-of/in head) get new values. */
  private assignTarget(e: ts.Node, st: State): Flow {
    const t = this.t;
    const x = t.isExpression(e) ? this.unwrap(e) : e;
    if (t.isIdentifier(x)) {
      const s = this.checker.getSymbolAtLocation(x);
      if (s !== undefined) st.rebind(s);
      return st;
    }
    if (t.isArrayLiteralExpression(x)) {
      let cur: Flow = st;
      for (const el of x.elements) if (cur !== null) cur = this.assignTarget(t.isSpreadElement(el) ? el.expression : el, cur);
      return cur;
    }
    if (t.isObjectLiteralExpression(x)) {
      let cur: Flow = st;
      for (const p of x.properties) {
        if (cur === null) return null;
        if (t.isShorthandPropertyAssignment(p)) {
          const s = this.checker.getShorthandAssignmentValueSymbol(p);
          if (p.objectAssignmentInitializer !== undefined) cur = join(cur, this.expr(p.objectAssignmentInitializer, cur.clone()));
          if (s !== undefined && cur !== null) cur.rebind(s);
        } else if (t.isPropertyAssignment(p)) cur = this.assignTarget(p.initializer, cur);
        else if (t.isSpreadAssignment(p)) cur = this.assignTarget(p.expression, cur);
      }
      return cur;
    }
    if (t.isBinaryExpression(x) && x.operatorToken.kind === t.SyntaxKind.EqualsToken) {
      // [a = dflt] = ...: the default may run
      const d = join(st, this.expr(x.right, st.clone()));
      return d === null ? null : this.assignTarget(x.left, d);
    }
    // a.b, a[i]: the object is read
    return this.expr(x, st);
  }

  /** A closure created after a move captures a dead handle: its reads are uses after the move. */
  private captures(fn: ts.Node, st: State): void {
    if (st.moved.size === 0) return;
    const t = this.t;
    const visit = (n: ts.Node): void => {
      if (t.isIdentifier(n)) {
        const p = n.parent;
        const written = t.isBinaryExpression(p) && p.left === n && p.operatorToken.kind === t.SyntaxKind.EqualsToken;
        if (!written && !(t.isPropertyAccessExpression(p) && p.name === n)) this.read(n, st);
        return;
      }
      t.forEachChild(n, visit);
    };
    const body = (fn as ts.FunctionLikeDeclaration).body;
    if (body !== undefined) visit(body);
  }

  private call(n: ts.CallExpression | ts.NewExpression, st: State): Flow {
    const t = this.t;
    let s: Flow = this.expr(n.expression, st);
    for (const a of n.arguments ?? []) {
      if (s === null) return null;
      s = this.expr(a, s);
    }
    if (s === null) return null;
    const after: State = s;
    const sig = this.checker.getResolvedSignature(n);
    const args = n.arguments ?? [];
    const movedHere = new Set<ts.Symbol>();
    if (sig !== undefined) {
      const kind: Move['kind'] = this.isHandleMethod(sig) ? 'store' : 'call';
      args.forEach((a, i) => {
        const x = this.unwrap(a);
        if (!t.isIdentifier(x)) return;
        const sym = this.symbolOf(x);
        if (sym === undefined || !this.isVariable(sym) || !this.takesOwnership(sig, i)) return;
        if (movedHere.has(sym)) {
          // f(x, x): the second argument is a handle the first already gave away
          this.read(x, after, true);
          return;
        }
        movedHere.add(sym);
        this.move(sym, x.text, n, kind, after);
      });
      // RRef.new(layout, { child }): the RRefs of the initial value are moved into the new object.
      if (kind === 'store' && this.declarationName(sig) === 'new') {
        for (const a of args) for (const x of this.nestedHandles(a)) {
          const sym = this.symbolOf(x);
          if (sym === undefined || !this.isVariable(sym)) continue;
          if (movedHere.has(sym)) { this.read(x, s, true); continue; }
          movedHere.add(sym);
          this.move(sym, x.text, n, 'store', s);
        }
      }
    }
    // x.drop(): the handle is freed; x is dead afterwards.
    const callee = this.unwrap(n.expression);
    if (t.isCallExpression(n) && t.isPropertyAccessExpression(callee) && callee.name.text === 'drop' && args.length === 0) {
      const obj = this.unwrap(callee.expression);
      if (t.isIdentifier(obj)) {
        const sym = this.symbolOf(obj);
        if (sym !== undefined && this.isVariable(sym) && isHandleType(this.host, this.checker.getTypeAtLocation(obj))) this.move(sym, obj.text, n, 'drop', s);
      }
    }
    this.sink(s);
    if (sig !== undefined && (sig.getReturnType().flags & t.TypeFlags.Never) !== 0) return null;
    return s;
  }

  private move(sym: ts.Symbol, name: string, call: ts.Node, kind: Move['kind'], st: State): void {
    const text = call.getText(this.sf).replace(/\s+/g, ' ');
    const short = text.length <= LONG ? text : `${(call as ts.CallExpression).expression.getText(this.sf)}(...)`;
    const start = call.getStart(this.sf);
    const m: Move = { variable: name, call: short, line: this.sf.getLineAndCharacterOfPosition(start).line + 1, end: call.getEnd(), kind };
    for (const s of st.group(sym)) st.moved.set(s, m);
  }

  private declarationName(sig: ts.Signature): string | undefined {
    const d = sig.getDeclaration() as ts.Declaration | undefined;
    const name = d === undefined ? undefined : (d as ts.NamedDeclaration).name;
    return name !== undefined && this.t.isIdentifier(name) ? name.text : undefined;
  }

  /** Handle variables written as field values of an object literal (nested literals too). */
  private nestedHandles(e: ts.Expression): ts.Identifier[] {
    const t = this.t;
    const x = this.unwrap(e);
    if (!t.isObjectLiteralExpression(x)) return [];
    return x.properties.flatMap((p) => {
      if (t.isShorthandPropertyAssignment(p)) return isHandleType(this.host, this.checker.getTypeAtLocation(p.name)) ? [p.name] : [];
      if (!t.isPropertyAssignment(p)) return [];
      const v = this.unwrap(p.initializer);
      if (t.isIdentifier(v)) return isHandleType(this.host, this.checker.getTypeAtLocation(v)) ? [v] : [];
      return this.nestedHandles(v);
    });
  }

  /** A method of a trusted handle class (RRefDeque.pushBack, RRefArray.set, RRef.put/replace, RRef.new). */
  private isHandleMethod(sig: ts.Signature): boolean {
    const d = sig.getDeclaration() as ts.Declaration | undefined;
    const cls = d?.parent;
    if (cls === undefined || !this.t.isClassDeclaration(cls) || cls.name === undefined) return false;
    const s = this.checker.getSymbolAtLocation(cls.name);
    return handleClasses.some((name) => isTrusted(this.host, s, name));
  }

  /** The parameter receiving argument `i` is declared as a handle, and not lent (Borrowed). */
  private takesOwnership(sig: ts.Signature, i: number): boolean {
    const t = this.t;
    const params = sig.getParameters();
    let p = params[i];
    if (p === undefined) {
      const last = params[params.length - 1];
      const decl = last?.valueDeclaration;
      if (last === undefined || decl === undefined || !t.isParameter(decl) || decl.dotDotDotToken === undefined) return false;
      p = last;
    }
    const decl = p.valueDeclaration;
    if (decl === undefined || !t.isParameter(decl)) return false;
    const rest = decl.dotDotDotToken !== undefined;
    if (decl.type !== undefined && this.lent(decl.type)) return false;
    // The declared type, not the instantiated one: ok(x) or array.push(x) take a T, which is
    // not a move, even when T is a handle.
    let type = decl.type !== undefined ? this.checker.getTypeFromTypeNode(decl.type) : this.checker.getTypeAtLocation(decl);
    if (rest) {
      const elem = this.checker.getIndexTypeOfType(type, t.IndexKind.Number);
      if (elem === undefined) return false;
      type = elem;
    }
    return isHandleType(this.host, type);
  }

  private lent(node: ts.TypeNode): boolean {
    const t = this.t;
    if (t.isParenthesizedTypeNode(node)) return this.lent(node.type);
    if (t.isUnionTypeNode(node)) return node.types.some((m) => this.lent(m));
    if (t.isTypeOperatorNode(node)) return this.lent(node.type);
    return t.isTypeReferenceNode(node) && isTrusted(this.host, this.checker.getSymbolAtLocation(node.typeName), 'Borrowed');
  }
}

export const noUseAfterMove: DomainRule = {
  id: 'no-use-after-move',
  description: 'an RRef moved into a call, stored into a container or dropped is not used again',
  needsTypes: true,
  check(ctx) {
    const host = ctx.host;
    if (host === undefined || ctx.domainDir === undefined) return;
    const t = ctx.ts;
    const a = new Analyzer(t, host, ctx.sourceFile);
    // Each function body on its own (nested ones too), and the module's top level.
    const visit = (n: ts.Node): void => {
      if (t.isSourceFile(n)) a.body(n);
      else if (t.isFunctionLike(n) && (n as ts.FunctionLikeDeclaration).body !== undefined) a.body((n as ts.FunctionLikeDeclaration).body!);
      else if (t.isClassStaticBlockDeclaration(n)) a.body(n.body);
      t.forEachChild(n, visit);
    };
    visit(ctx.sourceFile);
    const sorted = [...a.reports].sort((x, y) => x[0].getStart(ctx.sourceFile) - y[0].getStart(ctx.sourceFile));
    for (const [node, message] of sorted) ctx.report(node, message);
  },
};

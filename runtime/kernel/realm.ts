// Realms: each domain's code runs in its own node:vm context, with its own globals and
// intrinsics (Object, Function, Array, Error, Promise...), so no object of one domain is an
// object of another (invariant I1).
//
// node:vm is not a security boundary by itself. What makes a context safe to hand to domain code:
// - the sandbox object is created with a null prototype, so nothing reached through the global
//   (`this.constructor`, `globalThis.__proto__`) leads back to the host's intrinsics;
// - code generation from strings and WebAssembly compilation are disabled, so even the realm's
//   own Function constructor and eval cannot turn a string into code;
// - scripts are compiled without a dynamic-import callback, so `import()` fails;
// - the kernel never puts a host object into the sandbox: everything a domain receives is made
//   inside its realm (by its copy of the trusted library and the generated glue).
import vm from 'node:vm';

export interface Realm {
  readonly name: string;
  /** The contextified sandbox: the realm's global object as the host sees it. */
  readonly context: vm.Context;
  /** Compiles and runs `code` in the realm; returns the completion value (a realm object). */
  evaluate(code: string, filename: string): unknown;
}

export interface RealmOptions {
  /** A name for diagnostics and stack traces (vm's context name). */
  name: string;
}

export function createRealm(options: RealmOptions): Realm {
  const sandbox = Object.create(null) as object;
  const context = vm.createContext(sandbox, {
    name: options.name,
    codeGeneration: { strings: false, wasm: false },
  });
  // V8 gives every context a console of its own; domains print through their syscall
  // capability instead, so output is attributed and can be redirected.
  vm.runInContext('delete globalThis.console;', context);
  return Object.freeze({
    name: options.name,
    context,
    evaluate(code: string, filename: string): unknown {
      const script = new vm.Script(code, { filename });
      return script.runInContext(context, { displayErrors: false });
    },
  });
}

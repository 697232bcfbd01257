// Stable type ids: FNV-1a (32-bit) of a layout's canonical structure string. The same structure
// declared in two domains gets the same id; the type table rejects two structures that collide.

export function typeIdOf(canonical: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < canonical.length; i++) {
    h ^= canonical.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // 0 marks a free registry slot, so no type may have it.
  return h === 0 ? 1 : h;
}

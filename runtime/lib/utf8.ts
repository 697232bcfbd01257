// UTF-8 encode and decode in plain JavaScript: a domain's realm has no TextEncoder, and the
// library must not borrow the host's (a host object would leak the host realm into the domain).

/** Encodes `text` into `out[at, at + max)`; returns bytes written. Never splits a character. */
export function encodeUtf8Into(text: string, out: Uint8Array, at: number, max: number): number {
  let w = at;
  const end = at + max;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) {
      if (w + 1 > end) break;
      out[w++] = c;
    } else if (c < 0x800) {
      if (w + 2 > end) break;
      out[w++] = 0xc0 | (c >> 6);
      out[w++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      if (w + 3 > end) break;
      out[w++] = 0xe0 | (c >> 12);
      out[w++] = 0x80 | ((c >> 6) & 0x3f);
      out[w++] = 0x80 | (c & 0x3f);
    } else {
      if (w + 4 > end) break;
      out[w++] = 0xf0 | (c >> 18);
      out[w++] = 0x80 | ((c >> 12) & 0x3f);
      out[w++] = 0x80 | ((c >> 6) & 0x3f);
      out[w++] = 0x80 | (c & 0x3f);
    }
  }
  return w - at;
}

/** Bytes `text` takes in UTF-8. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/** Decodes `bytes[at, at + len)`; malformed sequences become U+FFFD, as TextDecoder does. */
export function decodeUtf8(bytes: Uint8Array, at: number, len: number): string {
  const end = at + len;
  let out = '';
  let chunk: number[] = [];
  let i = at;
  while (i < end) {
    const b = bytes[i]!;
    let c = 0xfffd, n = 1;
    if (b < 0x80) c = b;
    else if (b >= 0xc2 && b <= 0xdf && i + 1 < end && (bytes[i + 1]! & 0xc0) === 0x80) {
      c = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f); n = 2;
    } else if (b >= 0xe0 && b <= 0xef && i + 2 < end && (bytes[i + 1]! & 0xc0) === 0x80 && (bytes[i + 2]! & 0xc0) === 0x80) {
      const v = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      if (v >= 0x800 && (v < 0xd800 || v > 0xdfff)) { c = v; n = 3; }
    } else if (b >= 0xf0 && b <= 0xf4 && i + 3 < end && (bytes[i + 1]! & 0xc0) === 0x80 && (bytes[i + 2]! & 0xc0) === 0x80 && (bytes[i + 3]! & 0xc0) === 0x80) {
      const v = ((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
      if (v >= 0x10000 && v <= 0x10ffff) { c = v; n = 4; }
    }
    if (c > 0xffff) {
      c -= 0x10000;
      chunk.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
    } else chunk.push(c);
    i += n;
    if (chunk.length >= 4096) { out += String.fromCharCode(...chunk); chunk = []; }
  }
  return out + String.fromCharCode(...chunk);
}

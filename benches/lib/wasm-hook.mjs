// Counts WebAssembly linear memory portably. Neither build of gorqs exports its
// WebAssembly.Memory, and the runtimes disagree on where that memory shows up
// (`process.memoryUsage().external` counts it on Node 20–24 and Bun, not on Node 26; browsers have
// no such figure), so the harness watches every instance made after this module is loaded and
// sums the byte length of the memories it exports or imports. Import this module before any
// implementation is loaded. Instantiation is all it touches: calls into wasm are unaffected.

const memories = new Set();

function collect(instance, imports) {
  try {
    for (const v of Object.values(instance.exports)) if (v instanceof WebAssembly.Memory) memories.add(v);
    if (imports && typeof imports === "object")
      for (const ns of Object.values(imports))
        if (ns && typeof ns === "object") for (const v of Object.values(ns)) if (v instanceof WebAssembly.Memory) memories.add(v);
  } catch {}
}

if (typeof WebAssembly === "object" && !WebAssembly.__gorqsBenchHooked) {
  const OrigInstance = WebAssembly.Instance;
  const Instance = function Instance(module, imports) {
    const instance = new OrigInstance(module, imports);
    collect(instance, imports);
    return instance;
  };
  Instance.prototype = OrigInstance.prototype;
  Object.defineProperty(WebAssembly, "Instance", { value: Instance, writable: true, configurable: true });
  const origInstantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = async function instantiate(source, imports) {
    const r = await origInstantiate.call(WebAssembly, source, imports);
    collect(r instanceof OrigInstance ? r : r.instance, imports);
    return r;
  };
  if (typeof WebAssembly.instantiateStreaming === "function") {
    const origStreaming = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = async function instantiateStreaming(source, imports) {
      const r = await origStreaming.call(WebAssembly, source, imports);
      collect(r.instance, imports);
      return r;
    };
  }
  Object.defineProperty(WebAssembly, "__gorqsBenchHooked", { value: true });
}

/** Bytes of WebAssembly linear memory held by the instances made so far. */
export function wasmBytes() {
  let total = 0;
  for (const m of memories) total += m.buffer.byteLength;
  return total;
}

/** How many wasm memories were seen (0: the implementation has no wasm). */
export function wasmMemoryCount() {
  return memories.size;
}

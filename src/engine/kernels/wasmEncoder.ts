/**
 * A minimal WebAssembly binary writer: just the sections and instructions the tile-GEMM module
 * needs (scalar i32/f32, 128-bit SIMD and relaxed-SIMD FMA). It lets the kernels be generated in
 * TypeScript at load time, unrolled for the chosen register block, with no toolchain and no
 * committed binary. Encodings follow the WebAssembly core specification 2.0 (§5, binary format),
 * the fixed-width SIMD proposal's BinarySIMD.md and the relaxed-SIMD proposal's Overview.md.
 */

export const ValType = { I32: 0x7f, F32: 0x7d, V128: 0x7b } as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

function pushAll(out: number[], items: readonly number[]): void {
  for (let i = 0; i < items.length; i++) out.push(items[i]);
}

function pushUleb(out: number[], value: number): void {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

function pushSleb(out: number[], value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

function pushName(out: number[], name: string): void {
  pushUleb(out, name.length);
  for (let i = 0; i < name.length; i++) out.push(name.charCodeAt(i));
}

const f32Scratch = new Float32Array(1);
const f32ScratchBytes = new Uint8Array(f32Scratch.buffer);

/**
 * Splat constants kept in linear memory, one 32-bit slot each, from byte `offset` on. V8 builds a
 * `v128.const` from immediates in four or five instructions, a `v128.load32_splat` is one: in a
 * loop with dozens of constants (polynomials), the table is the faster form. The module's owner
 * writes the table into memory (`write`) before calling the functions that use it.
 */
export class ConstantPool {
  private readonly slots = new Map<number, number>();

  constructor(
    readonly offset: number,
    readonly capacity: number,
  ) {}

  /** The slot of a 32-bit pattern, added on first use. */
  slotOf(bits: number): number {
    const key = bits | 0;
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.slots.size;
      if (slot >= this.capacity) throw new RangeError(`constant pool full (${this.capacity} values)`);
      this.slots.set(key, slot);
    }
    return slot;
  }

  write(buffer: ArrayBuffer): void {
    const view = new Int32Array(buffer, this.offset, this.capacity);
    for (const [bits, slot] of this.slots) view[slot] = bits;
  }
}

const i32Scratch = new Int32Array(f32Scratch.buffer);

/**
 * One function body under construction. Locals are numbered after the parameters; each method
 * appends one instruction, so a body reads top to bottom like the text format.
 */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];
  /** Where splat constants go; null: inline `v128.const`. */
  constants: ConstantPool | null = null;

  constructor(
    readonly params: readonly ValType[],
    readonly results: readonly ValType[],
  ) {}

  /** Declares a new local and returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  // Control.
  block(): this {
    this.code.push(0x02, 0x40);
    return this;
  }
  loop(): this {
    this.code.push(0x03, 0x40);
    return this;
  }
  if_(): this {
    this.code.push(0x04, 0x40);
    return this;
  }
  else_(): this {
    this.code.push(0x05);
    return this;
  }
  end(): this {
    this.code.push(0x0b);
    return this;
  }
  br(depth: number): this {
    this.code.push(0x0c);
    pushUleb(this.code, depth);
    return this;
  }
  brIf(depth: number): this {
    this.code.push(0x0d);
    pushUleb(this.code, depth);
    return this;
  }
  return_(): this {
    this.code.push(0x0f);
    return this;
  }
  call(functionIndex: number): this {
    this.code.push(0x10);
    pushUleb(this.code, functionIndex);
    return this;
  }
  /** `select(a, b, cond)`: a when cond ≠ 0, else b. */
  select(): this {
    this.code.push(0x1b);
    return this;
  }

  // Variables.
  get(index: number): this {
    this.code.push(0x20);
    pushUleb(this.code, index);
    return this;
  }
  set(index: number): this {
    this.code.push(0x21);
    pushUleb(this.code, index);
    return this;
  }
  tee(index: number): this {
    this.code.push(0x22);
    pushUleb(this.code, index);
    return this;
  }

  // Scalar memory (offset in bytes; alignment hint as log2 bytes).
  f32Load(offset = 0): this {
    return this.memOp([0x2a], 2, offset);
  }
  f32Store(offset = 0): this {
    return this.memOp([0x38], 2, offset);
  }
  i32Load(offset = 0): this {
    return this.memOp([0x28], 2, offset);
  }
  i32Store(offset = 0): this {
    return this.memOp([0x36], 2, offset);
  }

  // Constants.
  i32Const(value: number): this {
    this.code.push(0x41);
    pushSleb(this.code, value);
    return this;
  }
  f32Const(value: number): this {
    f32Scratch[0] = value;
    this.code.push(0x43, f32ScratchBytes[0], f32ScratchBytes[1], f32ScratchBytes[2], f32ScratchBytes[3]);
    return this;
  }

  // i32 arithmetic and comparison.
  i32Eq(): this {
    this.code.push(0x46);
    return this;
  }
  i32GtU(): this {
    this.code.push(0x4b);
    return this;
  }
  i32GeU(): this {
    this.code.push(0x4f);
    return this;
  }
  i32Add(): this {
    this.code.push(0x6a);
    return this;
  }
  i32Sub(): this {
    this.code.push(0x6b);
    return this;
  }
  i32Mul(): this {
    this.code.push(0x6c);
    return this;
  }
  i32DivU(): this {
    this.code.push(0x6e);
    return this;
  }
  i32And(): this {
    this.code.push(0x71);
    return this;
  }
  i32Shl(): this {
    this.code.push(0x74);
    return this;
  }
  f32Lt(): this {
    this.code.push(0x5d);
    return this;
  }

  // f32 arithmetic.
  f32Nearest(): this {
    this.code.push(0x90);
    return this;
  }
  f32Add(): this {
    this.code.push(0x92);
    return this;
  }
  f32Sub(): this {
    this.code.push(0x93);
    return this;
  }
  f32Mul(): this {
    this.code.push(0x94);
    return this;
  }
  f32Div(): this {
    this.code.push(0x95);
    return this;
  }
  f32Min(): this {
    this.code.push(0x96);
    return this;
  }
  f32Max(): this {
    this.code.push(0x97);
    return this;
  }

  // SIMD (0xfd prefix).
  v128Load(offset = 0): this {
    return this.memOp(simd(0x00), 4, offset);
  }
  v128Load32Splat(offset = 0): this {
    return this.memOp(simd(0x09), 2, offset);
  }
  v128Store(offset = 0): this {
    return this.memOp(simd(0x0b), 4, offset);
  }
  v128Zero(): this {
    this.code.push(...simd(0x0c), ...new Array<number>(16).fill(0));
    return this;
  }
  /** `i8x16.shuffle` of two vectors with 16 lane indices (0–31). */
  i8x16Shuffle(lanes: readonly number[]): this {
    this.code.push(...simd(0x0d), ...lanes);
    return this;
  }
  f32x4Splat(): this {
    this.code.push(...simd(0x13));
    return this;
  }
  f32x4Nearest(): this {
    this.code.push(...simd(0x6a));
    return this;
  }
  f32x4Add(): this {
    this.code.push(...simd(0xe4));
    return this;
  }
  f32x4Mul(): this {
    this.code.push(...simd(0xe6));
    return this;
  }
  f32x4Div(): this {
    this.code.push(...simd(0xe7));
    return this;
  }
  /** Pseudo-minimum `b < a ? b : a`: one `minps`, unlike `f32x4.min` and its NaN handling. */
  f32x4Pmin(): this {
    this.code.push(...simd(0xea));
    return this;
  }
  f32x4Pmax(): this {
    this.code.push(...simd(0xeb));
    return this;
  }
  /** A vector constant of four f32 lanes. */
  f32x4Const(lanes: readonly [number, number, number, number]): this {
    this.code.push(...simd(0x0c));
    for (const lane of lanes) {
      f32Scratch[0] = lane;
      this.code.push(f32ScratchBytes[0], f32ScratchBytes[1], f32ScratchBytes[2], f32ScratchBytes[3]);
    }
    return this;
  }
  /** A vector of four equal f32 lanes (from the constant pool when the function has one). */
  f32x4SplatConst(value: number): this {
    if (!this.constants) return this.f32x4Const([value, value, value, value]);
    f32Scratch[0] = value;
    return this.pooled(i32Scratch[0]);
  }
  /** A vector of four equal i32 lanes (from the constant pool when the function has one). */
  i32x4SplatConst(value: number): this {
    if (!this.constants) return this.i32Const(value).i32x4Splat();
    return this.pooled(value);
  }
  private pooled(bits: number): this {
    const pool = this.constants!;
    return this.i32Const(0).v128Load32Splat(pool.offset + 4 * pool.slotOf(bits));
  }
  i32x4Splat(): this {
    this.code.push(...simd(0x11));
    return this;
  }
  v128And(): this {
    this.code.push(...simd(0x4e));
    return this;
  }
  v128Or(): this {
    this.code.push(...simd(0x50));
    return this;
  }
  v128Xor(): this {
    this.code.push(...simd(0x51));
    return this;
  }
  /** `v128.bitselect(a, b, mask)`: bits of a where mask is 1, of b elsewhere. */
  v128Bitselect(): this {
    this.code.push(...simd(0x52));
    return this;
  }
  /** Lane-wise a > b as an all-ones / all-zeros mask. */
  f32x4Gt(): this {
    this.code.push(...simd(0x44));
    return this;
  }
  /** Shift of each lane by an i32 count taken from the stack. */
  i32x4Shl(): this {
    this.code.push(...simd(0xab));
    return this;
  }
  i32x4ShrS(): this {
    this.code.push(...simd(0xac));
    return this;
  }
  i32x4ShrU(): this {
    this.code.push(...simd(0xad));
    return this;
  }
  i32x4Add(): this {
    this.code.push(...simd(0xae));
    return this;
  }
  i32x4Sub(): this {
    this.code.push(...simd(0xb1));
    return this;
  }
  i32x4Mul(): this {
    this.code.push(...simd(0xb5));
    return this;
  }
  f32x4Abs(): this {
    this.code.push(...simd(0xe0));
    return this;
  }
  f32x4Sqrt(): this {
    this.code.push(...simd(0xe3));
    return this;
  }
  f32x4Sub(): this {
    this.code.push(...simd(0xe5));
    return this;
  }
  /** `i32x4.trunc_sat_f32x4_s`: toward zero, saturating. */
  i32x4TruncSatF32x4S(): this {
    this.code.push(...simd(0xf8));
    return this;
  }
  f32x4ConvertI32x4S(): this {
    this.code.push(...simd(0xfa));
    return this;
  }
  f32x4ConvertI32x4U(): this {
    this.code.push(...simd(0xfb));
    return this;
  }
  i32LtU(): this {
    this.code.push(0x49);
    return this;
  }

  /** Relaxed SIMD `f32x4.relaxed_madd(a, b, c)` = a·b + c, fused where the CPU has FMA. */
  f32x4RelaxedMadd(): this {
    this.code.push(...simd(0x105));
    return this;
  }

  private memOp(opcode: readonly number[], alignLog2: number, offset: number): this {
    this.code.push(...opcode);
    pushUleb(this.code, alignLog2);
    pushUleb(this.code, offset);
    return this;
  }

  /** The encoded body: local declarations (run-length grouped by type) then code. */
  encodeBody(): number[] {
    const groups: Array<[number, ValType]> = [];
    for (const type of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    const body: number[] = [];
    pushUleb(body, groups.length);
    for (const [count, type] of groups) {
      pushUleb(body, count);
      body.push(type);
    }
    pushAll(body, this.code);
    body.push(0x0b);
    const sized: number[] = [];
    pushUleb(sized, body.length);
    pushAll(sized, body);
    return sized;
  }
}

function simd(op: number): number[] {
  const out = [0xfd];
  pushUleb(out, op);
  return out;
}

/** A module with one imported memory (`env.memory`) and exported functions. */
export class ModuleBuilder {
  private readonly functions: Array<{ name: string; fn: FunctionBuilder }> = [];

  addFunction(name: string, fn: FunctionBuilder): void {
    this.functions.push({ name, fn });
  }

  encode(): Uint8Array {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, content: number[]): void => {
      out.push(id);
      pushUleb(out, content.length);
      pushAll(out, content);
    };

    // Type section: one type per function (duplicates are allowed and keep indices simple).
    const types: number[] = [];
    pushUleb(types, this.functions.length);
    for (const { fn } of this.functions) {
      types.push(0x60);
      pushUleb(types, fn.params.length);
      types.push(...fn.params);
      pushUleb(types, fn.results.length);
      types.push(...fn.results);
    }
    section(1, types);

    const imports: number[] = [];
    pushUleb(imports, 1);
    pushName(imports, 'env');
    pushName(imports, 'memory');
    imports.push(0x02, 0x00); // memory, limits with a minimum only
    pushUleb(imports, 1);
    section(2, imports);

    const funcs: number[] = [];
    pushUleb(funcs, this.functions.length);
    this.functions.forEach((_, i) => pushUleb(funcs, i));
    section(3, funcs);

    const exports: number[] = [];
    pushUleb(exports, this.functions.length);
    this.functions.forEach(({ name }, i) => {
      pushName(exports, name);
      exports.push(0x00);
      pushUleb(exports, i);
    });
    section(7, exports);

    const code: number[] = [];
    pushUleb(code, this.functions.length);
    for (const { fn } of this.functions) {
      pushAll(code, fn.encodeBody());
    }
    section(10, code);

    return Uint8Array.from(out);
  }
}

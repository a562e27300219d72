/**
 * Jest environment for tests that run onnxruntime-node. Jest gives each test file its own global
 * realm, so `instanceof Float32Array` inside onnxruntime-common fails for the typed arrays the
 * native addon creates (outer realm): "A float32 tensor's data must be type of function
 * Float32Array()". Sharing the outer realm's typed-array constructors fixes it.
 * Use with a docblock: @jest-environment ./test/helpers/ort-environment.js
 * (or set testEnvironment to this file in jest.config.js for every test).
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) if (globalThis[name]) this.global[name] = globalThis[name];
  }
}

module.exports = OrtEnvironment;

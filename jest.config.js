/** Type-checking is done once by `npm run typecheck`; jest only transpiles. */
module.exports = {
  // onnxruntime-node needs the outer realm's typed arrays (see the file).
  testEnvironment: '<rootDir>/test/helpers/ort-environment.js',
  roots: ['<rootDir>/test'],
  // the SynthMath models stand in for the fetched default model (see the file)
  setupFiles: ['<rootDir>/test/helpers/default-models.js'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 30000,
  // A test that fails half-way can leave a bot's sockets open; CI must end with the verdict, not hang.
  forceExit: true,
};

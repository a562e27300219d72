// The suite runs on the small SynthMath models in the repository (fast, always present): the
// product's default policy is a 0.5B model fetched into the model cache on first use, which tests
// must not need. Tests of the real default name its directory (test/engine/models/default-model.test.ts).
// Set before any module loads, and inherited by the processes tests start.
const path = require('node:path');
const models = path.join(__dirname, '..', '..', 'models');
process.env.STEPWISE_DEFAULT_POLICY_DIR = path.join(models, 'stepwise-synth-policy');
process.env.STEPWISE_DEFAULT_SCORER_DIR = path.join(models, 'stepwise-synth-ppm');

// jest setupFiles: runs before every test file, so `wx` exists before miniprogram-simulate loads (simulate
// merges its own mock API under ours and keeps our functions).
const { createFakeWx } = require('./helpers/fake-wx');

const { fake, wx } = createFakeWx();
global.wx = wx;
global.fakeWx = fake;

const care = require('./utils/care-mode');

App({
  globalData: {
    // 关怀模式: the stored choice, else WeChat's font size setting (see utils/care-mode.js).
    careMode: care.readCareMode(),
  },

  onLaunch() {
    this.globalData.careMode = care.readCareMode();
  },
});

// 关怀模式 (large text, large buttons): where the setting lives and who is told when it changes.
// The user's own choice, saved under storage key 'careMode', wins; without one we follow WeChat's font size
// setting, so someone who already enlarged WeChat's text gets the large mode from the first screen.

const STORAGE_KEY = 'careMode';
// WeChat's standard font size is 16–17 px; the first "larger" steps start around 20 px.
const LARGE_FONT_SETTING = 20;

const listeners = [];

function storedChoice() {
  try {
    const value = wx.getStorageSync(STORAGE_KEY);
    return typeof value === 'boolean' ? value : null; // '' means never set
  } catch (e) {
    return null;
  }
}

function systemWantsLargeText() {
  if (typeof wx.getAppBaseInfo !== 'function') return false;
  try {
    const info = wx.getAppBaseInfo() || {};
    return Number(info.fontSizeSetting) >= LARGE_FONT_SETTING;
  } catch (e) {
    return false;
  }
}

function readCareMode() {
  const stored = storedChoice();
  return stored === null ? systemWantsLargeText() : stored;
}

function appGlobalData() {
  const app = typeof getApp === 'function' ? getApp() : null;
  return app && app.globalData ? app.globalData : null;
}

/** The mode now in force: the app's copy when the app is running, else read afresh. */
function currentCareMode() {
  const globalData = appGlobalData();
  if (globalData && typeof globalData.careMode === 'boolean') return globalData.careMode;
  return readCareMode();
}

/** Saves the user's choice and tells every page that is alive. */
function setCareMode(value) {
  const careMode = !!value;
  wx.setStorageSync(STORAGE_KEY, careMode);
  const globalData = appGlobalData();
  if (globalData) globalData.careMode = careMode;
  listeners.slice().forEach((fn) => fn(careMode));
  return careMode;
}

function subscribe(fn) {
  listeners.push(fn);
  return () => {
    const i = listeners.indexOf(fn);
    if (i >= 0) listeners.splice(i, 1);
  };
}

module.exports = {
  STORAGE_KEY,
  readCareMode,
  currentCareMode,
  setCareMode,
  subscribe,
};

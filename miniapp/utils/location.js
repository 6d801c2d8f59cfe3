// Where the phone is (GCJ-02, as <map> and wx.openLocation want it), asked only when the user came for it.
// Every failure is sorted into a reason the page can explain and act on:
//   denied      the user refused the mini-program's location permission (wx.openSetting can undo it)
//   system      WeChat itself has no location permission on the phone, or the phone's location is off
//   privacy     the privacy guide was not agreed to
//   unavailable anything else (no fix, timeout)

const SCOPE = 'scope.userLocation';

/** 'granted' | 'denied' | 'unknown' (never asked), read without prompting anyone. */
function permission() {
  return new Promise((resolve) => {
    if (typeof wx.getSetting !== 'function') {
      resolve('unknown');
      return;
    }
    wx.getSetting({
      success: (res) => {
        const value = res && res.authSetting ? res.authSetting[SCOPE] : undefined;
        resolve(value === true ? 'granted' : value === false ? 'denied' : 'unknown');
      },
      fail: () => resolve('unknown'),
    });
  });
}

function reasonOf(errMsg) {
  const msg = String(errMsg || '');
  if (/privacy/i.test(msg)) return 'privacy';
  if (/system permission|LOCATIONSWITCHOFF|location service/i.test(msg)) return 'system';
  if (/auth den|authorize|permission/i.test(msg)) return 'denied';
  return 'unavailable';
}

/** wx.getLocation({type: 'gcj02'}) → {lat, lng}; rejects with an Error carrying .reason. */
function getLocation() {
  return new Promise((resolve, reject) => {
    wx.getLocation({
      type: 'gcj02',
      success: (res) => resolve({ lat: res.latitude, lng: res.longitude }),
      fail: (err) => {
        const reason = reasonOf(err && err.errMsg);
        reject(Object.assign(new Error('没有获取到您的位置'), { reason, errMsg: err && err.errMsg }));
      },
    });
  });
}

/** wx.openSetting → whether location is now allowed. */
function openSetting() {
  return new Promise((resolve) => {
    wx.openSetting({
      success: (res) => resolve(!!(res && res.authSetting && res.authSetting[SCOPE])),
      fail: () => resolve(false),
    });
  });
}

module.exports = {
  SCOPE,
  permission,
  getLocation,
  openSetting,
  reasonOf,
};

// For pages that call wx.getLocation (找服务, and the time bank's 找志愿服务 and 我的预约): WeChat asks for the
// privacy guide through wx.onNeedPrivacyAuthorization the first time; the page shows <privacy-sheet> and answers
// WeChat with the user's choice. The page calls listenForPrivacy() in onLoad and onShow, and puts
// `<privacy-sheet wx:if="{{privacyVisible}}" bindagree="onAgreePrivacy" binddisagree="onDisagreePrivacy" />`.
module.exports = Behavior({
  data: {
    privacyVisible: false,
  },

  lifetimes: {
    created() {
      this._privacyResolves = []; // WeChat's pending privacy API calls, answered together
    },
  },

  methods: {
    /** wx.onNeedPrivacyAuthorization keeps one listener: call on load and on every show. */
    listenForPrivacy() {
      if (typeof wx.onNeedPrivacyAuthorization !== 'function') return;
      wx.onNeedPrivacyAuthorization((resolve) => {
        this._privacyResolves.push(resolve);
        this.setData({ privacyVisible: true });
      });
    },

    onAgreePrivacy(e) {
      this.settlePrivacy({ buttonId: (e && e.detail && e.detail.buttonId) || 'agree-privacy', event: 'agree' });
    },

    onDisagreePrivacy() {
      this.settlePrivacy({ event: 'disagree' });
    },

    settlePrivacy(answer) {
      this._privacyResolves.splice(0).forEach((resolve) => resolve(answer));
      this.setData({ privacyVisible: false });
    },
  },
});

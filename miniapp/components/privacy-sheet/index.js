// The privacy-guide sheet (POLICY.md: agree before any personal data API). A page shows it when WeChat's
// wx.onNeedPrivacyAuthorization asks, and answers WeChat on the `agree` / `disagree` events.
const careMode = require('../../behaviors/care-mode');

const AGREE_BUTTON_ID = 'agree-privacy';

Component({
  behaviors: [careMode],

  properties: {
    // What the page wants the data for, e.g. 查找附近的服务场所.
    purpose: { type: String, value: '使用相关服务' },
  },

  data: {
    agreeButtonId: AGREE_BUTTON_ID,
    contractName: '《隐私保护指引》',
  },

  lifetimes: {
    attached() {
      if (typeof wx.getPrivacySetting !== 'function') return;
      wx.getPrivacySetting({
        success: (res) => res && res.privacyContractName && this.setData({ contractName: res.privacyContractName }),
      });
    },
  },

  methods: {
    openContract() {
      wx.openPrivacyContract({
        fail: () => wx.showToast({ title: '暂时无法打开，请稍后再试', icon: 'none' }),
      });
    },

    onAgree() {
      this.triggerEvent('agree', { buttonId: AGREE_BUTTON_ID });
    },

    onDisagree() {
      this.triggerEvent('disagree', {});
    },
  },
});

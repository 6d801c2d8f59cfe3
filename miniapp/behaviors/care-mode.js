// Gives a page data.careMode (关怀模式) and toggleCareMode(). The page puts class "care" on its root view
// when careMode is true; app.wxss and the page's wxss do the rest.
const care = require('../utils/care-mode');

module.exports = Behavior({
  data: {
    careMode: false,
  },

  lifetimes: {
    attached() {
      this._unsubscribeCareMode = care.subscribe((careMode) => this.setData({ careMode }));
      this.setData({ careMode: care.currentCareMode() });
    },
    detached() {
      if (this._unsubscribeCareMode) this._unsubscribeCareMode();
    },
  },

  methods: {
    /** From a <switch> bindchange (e.detail.value) or a plain tap on the row (flips the mode). */
    toggleCareMode(e) {
      const value = e && e.detail && typeof e.detail.value === 'boolean' ? e.detail.value : !this.data.careMode;
      care.setCareMode(value);
    },

    /** catchtap target: keeps a tap on the switch itself from also reaching the row's bindtap. */
    noop() {},
  },
});

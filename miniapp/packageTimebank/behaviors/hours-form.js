// The forms that spend banked hours, 申请养老服务 (redeem) and 转赠给家人 (transfer): an Idempotency-Key made
// once per form and renewed only once the server has written, so a retry never spends twice; typing in a field
// (data-field) clears its error; a 422's field errors land next to the fields. The page defines failed(err).
const tb = require('../utils/timebank');

module.exports = Behavior({
  data: {
    fieldErrors: {},
    submitting: false,
    notice: null, // {kind: 'ok' | 'error', title, text}
  },

  lifetimes: {
    created() {
      this._key = tb.newIdempotencyKey();
      this._busy = false;
    },
  },

  methods: {
    onInput(e) {
      const field = e.currentTarget.dataset.field;
      this.setData({ [field]: e.detail.value, [`fieldErrors.${field}`]: '' });
    },

    /**
     * send(key) makes the request. Once it has succeeded: a new key (the next one is another request), the form
     * emptied to `emptyForm` with the notice {title, text}, a toast, then then(). An error goes to failed(err).
     */
    async sendForm({ send, emptyForm, title, text, then }) {
      this._busy = true;
      this.setData({ submitting: true, fieldErrors: {}, notice: null });
      try {
        await send(this._key);
        this._key = tb.newIdempotencyKey();
        this.setData(Object.assign({}, emptyForm, { notice: { kind: 'ok', title, text } }));
        wx.showToast({ title, icon: 'success' });
        then();
      } catch (err) {
        this.failed(err);
      } finally {
        this._busy = false;
        this.setData({ submitting: false });
      }
    },

    /** A 422: each error next to its field (`fields`: server field → form field), the rest in the notice. */
    showFieldErrors(err, fields) {
      if (err.statusCode !== 422) return false;
      const mapped = tb.fieldErrorsOf(err, fields);
      this.setData({ fieldErrors: mapped.fields });
      if (mapped.other) this.setData({ notice: { kind: 'error', title: '请检查填写的内容', text: mapped.other } });
      return true;
    },
  },
});

// Deciding on the items of a 工作台 list (确认收到 / 作废 a gift, 通过 / 不通过 a service log): one decision at a
// time (data.busyId), and the reason box a refusal needs, opened under one item (data.reasonFor). The page's
// refusal takes reasonToSend(), then both kinds run through decide(); failures other than a reason the server
// refused (422, said under the box) go to the page's decisionFailed(id, err). Needs the paged-list behaviour.
const { fieldErrors } = require('../utils/errors');

const REASON_MAX = 500;

module.exports = Behavior({
  data: {
    busyId: null,
    reasonFor: null, // the id whose reason box is open
    reason: '',
    reasonError: '',
    reasonMax: REASON_MAX,
  },

  methods: {
    /** A reload closes the reason box (paged-list's hook). */
    loadResets() {
      return { reasonFor: null, reason: '', reasonError: '' };
    },

    openReason(e) {
      const item = this.data.items[this.indexOf(e.currentTarget.dataset.id)];
      if (!item) return;
      this.setData({ reasonFor: item.id, reason: '', reasonError: '' });
    },

    cancelReason() {
      this.setData({ reasonFor: null, reason: '', reasonError: '' });
    },

    onReasonInput(e) {
      this.setData({ reason: e.detail.value, reasonError: '' });
    },

    /**
     * {id, reason} for the open box, or null: no box open, a decision under way, or a reason that is missing
     * (`missing` is said under the box) or too long.
     */
    reasonToSend(missing) {
      const id = this.data.reasonFor;
      if (id === null || this.data.busyId) return null;
      const reason = String(this.data.reason || '').trim();
      if (!reason) {
        this.setData({ reasonError: missing });
        return null;
      }
      if (Array.from(reason).length > REASON_MAX) {
        this.setData({ reasonError: `原因最多 ${REASON_MAX} 个字` });
        return null;
      }
      return { id, reason };
    },

    /** Runs the decision `work` on item `id`; with withReason, a 422 is said under the reason box. */
    async decide(id, work, { withReason = false } = {}) {
      this.setData({ busyId: id });
      try {
        await work();
      } catch (err) {
        if (withReason && err.statusCode === 422) {
          const mapped = fieldErrors(err, { shown: ['reason'] });
          this.setData({ reasonError: mapped.fields.reason || mapped.other || err.message });
        } else {
          this.decisionFailed(id, err);
        }
      } finally {
        this.setData({ busyId: null });
      }
    },
  },
});

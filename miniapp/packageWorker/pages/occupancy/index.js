// 更新避灾点人数: how many people are in a shelter now, and who (men, women, children, infants, elderly,
// disabled), with large 加 / 减 buttons as well as the keyboard. The update carries the facility's `version`:
// when another worker reported first (409 stale_version) the page loads their figures and says so, with what
// this worker had typed, so nothing is overwritten unseen. Above the capacity is refused (422) on the field.
const careMode = require('../../../behaviors/care-mode');
const workbench = require('../../behaviors/workbench');
const emergency = require('../../services/emergency');
const fmt = require('../../utils/format');
const occ = require('../../utils/occupancy');
const { fieldErrors } = require('../../utils/errors');
const { showError } = require('../../../utils/request');

const SHOWN = ['occupancy', 'groups'];

function decorateFacility(f) {
  return {
    id: f.id,
    name: f.name,
    address: f.address || '',
    capacity: f.capacity,
    capacity_text: f.capacity != null ? `${f.capacity} 人` : '未登记',
    occupancy: f.occupancy,
    available_text: f.available != null ? `${f.available} 人` : '',
    status_name: f.status_name || '',
    activated: !!f.activated,
    updated: f.occupancy_updated_at ? fmt.localDateTime(f.occupancy_updated_at) : '还没有上报过',
    version: f.version,
  };
}

Component({
  behaviors: [careMode, workbench],

  data: {
    id: null,
    loading: true,
    errorText: '',
    facility: null,
    groups: fmt.GROUPS,
    form: {},
    fieldErrors: {},
    formError: '',
    notice: null,
    submitting: false,
  },

  lifetimes: {
    created() {
      this._busy = false;
    },
  },

  methods: {
    onLoad(options = {}) {
      this.setData({ id: options.id || null });
      return this.start();
    },

    /** The facility (its figures and version) and the groups of its last report. */
    async fetchFacility() {
      const [facility, history] = await Promise.all([
        emergency.getFacility(this.data.id),
        emergency.occupancyHistory(this.data.id, { pageSize: 1 }),
      ]);
      const last = (history || [])[0];
      const groups = last && last.occupancy === facility.occupancy ? last.groups : null;
      return { facility, groups };
    },

    async load() {
      if (!this.data.id) {
        this.setData({ loading: false, errorText: '没有找到这个避灾点。' });
        return;
      }
      this.setData({ loading: true, errorText: '' });
      try {
        if (!(await this.requireWorker())) {
          this.setData({ loading: false });
          return;
        }
        const { facility, groups } = await this.fetchFacility();
        this.setData({
          loading: false,
          facility: decorateFacility(facility),
          form: occ.formFrom(facility, groups),
          fieldErrors: {},
          formError: '',
        });
      } catch (err) {
        this.setData({ loading: false });
        if (!this.gateOn(err)) this.setData({ errorText: err.message });
      }
    },

    onInput(e) {
      const field = e.currentTarget.dataset.field;
      this.setData({ [`form.${field}`]: e.detail.value, [`fieldErrors.${this.errorKey(field)}`]: '', notice: null });
    },

    errorKey(field) {
      return field === 'occupancy' ? 'occupancy' : `groups.${field}`;
    },

    /** 加 / 减 buttons: data-field and data-delta. */
    onStep(e) {
      const { field, delta } = e.currentTarget.dataset;
      this.setData({
        [`form.${field}`]: occ.step(this.data.form[field], Number(delta)),
        [`fieldErrors.${this.errorKey(field)}`]: '',
        notice: null,
      });
    },

    async submit() {
      if (this._busy || !this.data.facility) return;
      const { errors, body } = occ.buildOccupancy({
        form: this.data.form,
        capacity: this.data.facility.capacity,
        version: this.data.facility.version,
      });
      if (errors) {
        this.setData({ fieldErrors: errors, formError: '请按标红的提示修改后再提交。' });
        return;
      }
      this._busy = true;
      this.setData({ submitting: true, formError: '', fieldErrors: {}, notice: null });
      try {
        const facility = await emergency.updateOccupancy(this.data.id, body);
        this.setData({
          facility: decorateFacility(facility),
          form: occ.formFrom(facility, facility.occupancy_groups || body.groups),
          notice: {
            kind: 'ok',
            title: '已更新',
            text: `现有 ${facility.occupancy} 人${facility.available != null ? `，还可容纳 ${facility.available} 人` : ''}。`,
          },
        });
        wx.showToast({ title: '已更新', icon: 'success' });
      } catch (err) {
        await this.failed(err, body);
      } finally {
        this._busy = false;
        this.setData({ submitting: false });
      }
    },

    async failed(err, body) {
      if (err.statusCode === 401) {
        this.gateOn(err);
        return;
      }
      if (err.statusCode === 409 && err.error === 'stale_version') {
        // Another worker reported first: show their figures, and what this one typed, before anything is sent.
        try {
          const { facility, groups } = await this.fetchFacility();
          this.setData({
            facility: decorateFacility(facility),
            form: occ.formFrom(facility, groups),
            fieldErrors: {},
            notice: {
              kind: 'info',
              title: '人数刚被其他工作人员更新过',
              text: `已载入最新数字：现在是 ${facility.occupancy} 人。您刚才填写的是 ${body.occupancy} 人，请核对后再提交。`,
            },
          });
        } catch (e) {
          this.setData({ formError: `${err.message}（刷新失败：${e.message}）` });
        }
        return;
      }
      if (err.statusCode === 422) {
        const mapped = fieldErrors(err, { shown: SHOWN });
        this.setData({ fieldErrors: mapped.fields, formError: mapped.other || '请按标红的提示修改后再提交。' });
        return;
      }
      this.setData({ formError: err.message });
      showError(err);
    },
  },
});

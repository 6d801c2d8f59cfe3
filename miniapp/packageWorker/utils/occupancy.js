// 避灾点人数: the occupancy form's rules, the server's (schemas/facilities.py OccupancyUpdateSchema and
// services/facilities.py update_occupancy): whole numbers from 0; not above the capacity; no group above the
// total; men and women together not above the total. Errors are keyed as the server keys them
// ('occupancy', 'groups.men' …) so a 422 lands on the same fields.
const { GROUPS } = require('./format');

const MAX = 1000000;

function parseCount(text) {
  const t = String(text == null ? '' : text).trim();
  if (t === '') return { empty: true };
  if (!/^\d+$/.test(t)) return { bad: true };
  const n = Number(t);
  return n > MAX ? { bad: true } : { value: n };
}

/** The form's text from a facility and its last report. */
function formFrom(facility, groups) {
  const form = { occupancy: String(facility.occupancy || 0) };
  GROUPS.forEach((g) => {
    form[g.key] = groups && groups[g.key] != null ? String(groups[g.key]) : '';
  });
  return form;
}

/** A stepper tap: the number in the field moved by delta, never below 0 (an empty field counts as 0). */
function step(text, delta) {
  const parsed = parseCount(text);
  const current = parsed.value || 0;
  return String(Math.min(MAX, Math.max(0, current + delta)));
}

/** buildOccupancy({form, capacity, version}) → {errors, body} for PUT /facilities/{id}/occupancy. */
function buildOccupancy({ form, capacity, version }) {
  const errors = {};
  const total = parseCount(form.occupancy);
  if (total.empty) errors.occupancy = '请填写现在的在住人数（没有人填 0）';
  else if (total.bad) errors.occupancy = '人数应为 0 或正整数';
  else if (capacity != null && total.value > capacity) errors.occupancy = `超过了容量（${capacity} 人），请核实人数`;
  const groups = {};
  GROUPS.forEach((g) => {
    const parsed = parseCount(form[g.key]);
    if (parsed.empty) return;
    if (parsed.bad) errors[`groups.${g.key}`] = `${g.label}人数应为 0 或正整数`;
    else if (total.value !== undefined && parsed.value > total.value) errors[`groups.${g.key}`] = `${g.label}人数不能超过总人数`;
    else groups[g.key] = parsed.value;
  });
  if (total.value !== undefined && !errors['groups.women'] && (groups.men || 0) + (groups.women || 0) > total.value) {
    errors['groups.women'] = '男女人数之和不能超过总人数';
  }
  const body = { occupancy: total.value, version };
  if (Object.keys(groups).length) body.groups = groups;
  return { errors: Object.keys(errors).length ? errors : null, body };
}

module.exports = { MAX, parseCount, formFrom, step, buildOccupancy };

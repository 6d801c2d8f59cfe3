// The server's field errors (a 422's `errors`, DESIGN.md's one error shape) put back onto a form's fields.
// Shared by every form that sends a body: the 救助 self-check and application (packageAssistance) and the
// real-name form (packageMe). errors is keyed by location ({json: {field: ['…']}, headers: {…}}); webargs nests
// list items ({members: {0: {age: ['…']}}}) while the services write dotted keys ('members.0.age'): both come out
// dotted, so a form whose errors are keyed by the server's own field names needs no translation table.

/** Fen fields' messages speak of fen; the resident typed yuan. */
function readable(field, text) {
  return /_fen$/.test(field) ? text.replace(/（单位：分）|（分）/g, '') : text;
}

/**
 * A 422's errors → {fields, other}: fields {<dotted json field>: '<sentence>'} (webargs' nesting and the
 * services' dotted keys both come out dotted); other: one sentence for what is not a body field (headers, form).
 */
function flattenErrors(err) {
  const byLocation = (err && err.errors) || {};
  const fields = {};
  const other = [];
  const walk = (location, prefix, value) => {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      const text = readable(prefix, value.join(''));
      if (location === 'json' && prefix) fields[prefix] = fields[prefix] ? fields[prefix] + text : text;
      else other.push(text);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(location, prefix ? `${prefix}.${i}` : String(i), v));
    } else if (value && typeof value === 'object') {
      Object.keys(value).forEach((k) => walk(location, prefix ? `${prefix}.${k}` : k, value[k]));
    } else if (value !== null && value !== undefined) {
      if (location === 'json' && prefix) fields[prefix] = readable(prefix, String(value));
      else other.push(String(value));
    }
  };
  Object.keys(byLocation).forEach((location) => walk(location, '', byLocation[location]));
  return { fields, other: other.join('') };
}

module.exports = {
  flattenErrors,
};

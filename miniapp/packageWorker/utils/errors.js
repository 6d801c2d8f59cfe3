// The server's 422 field errors put back onto a form's fields. errors is keyed by location
// ({json: {field: ['…']}, headers: {…}}); marshmallow nests list items ({members: {0: {age: ['…']}}}), which
// are flattened to 'members.0.age' as the services name them. `rename` maps a server field to the form's own
// key; a field the form shows (or whose first part it shows: 'members.0.age' → 'members') lands on it, and
// everything else comes back as one sentence in `other`.

function flatten(prefix, value, out) {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) out[prefix] = value.join('');
    else value.forEach((v, i) => flatten(`${prefix}.${i}`, v, out));
  } else if (value && typeof value === 'object') {
    Object.keys(value).forEach((k) => flatten(prefix ? `${prefix}.${k}` : k, value[k], out));
  } else if (value !== undefined && value !== null) {
    out[prefix] = String(value);
  }
  return out;
}

function fieldErrors(err, { shown = [], rename = {} } = {}) {
  const byLocation = (err && err.errors) || {};
  const fields = {};
  const other = [];
  Object.keys(byLocation).forEach((location) => {
    const flat = flatten('', byLocation[location] || {}, {});
    Object.keys(flat).forEach((field) => {
      const key = rename[field] || field;
      const text = flat[field];
      if (location === 'json' && (shown.indexOf(key) >= 0 || shown.indexOf(key.split('.')[0]) >= 0)) {
        fields[key] = fields[key] ? `${fields[key]}${text}` : text;
      } else {
        other.push(text);
      }
    });
  });
  return { fields, other: other.join('') };
}

module.exports = { fieldErrors, flatten };

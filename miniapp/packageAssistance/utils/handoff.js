// 自测 → 申请: the household typed in the self-check goes on into the application form, so nobody types it twice.
// Kept in memory only (the package's modules live as long as the mini-program): household figures are personal
// data and do not go to storage. take() hands it over once.

let pending = null;

function put(value) {
  pending = value ? JSON.parse(JSON.stringify(value)) : null;
}

function take() {
  const value = pending;
  pending = null;
  return value;
}

module.exports = { put, take };

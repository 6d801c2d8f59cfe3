// Idempotency keys for writes a phone may retry (a counter gift; submitting a filed application). A form makes
// ONE key when it opens and sends it with every attempt; only a new entry gets a new key.
let counter = 0;

function random32() {
  return Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
}

function newIdempotencyKey(prefix = 'wk') {
  counter = (counter + 1) % 0x10000;
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}-${random32()}${random32()}`;
}

module.exports = { newIdempotencyKey };

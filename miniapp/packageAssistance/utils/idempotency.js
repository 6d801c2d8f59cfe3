// Idempotency keys for the writes a phone may retry (creating a draft, submitting it), as in 慈善: a form makes
// ONE key per intended write and sends it with every attempt, so a double tap or a retry after a lost answer
// gets the first answer back instead of a second draft. The server keeps keys per user: the time in ms plus
// 64 random bits is plenty. Alphabet [0-9a-z-], inside the server's 128 characters.

let counter = 0;

function random32() {
  return Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
}

function newIdempotencyKey(prefix = 'asst') {
  counter = (counter + 1) % 0x10000;
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}-${random32()}${random32()}`;
}

module.exports = { newIdempotencyKey };

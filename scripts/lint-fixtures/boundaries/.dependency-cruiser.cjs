// the project's own rules, checked against this tree of deliberate violations
module.exports = require('../../../.dependency-cruiser.cjs');

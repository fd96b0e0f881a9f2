module.exports = require('resumable-upload/tus-js-client');

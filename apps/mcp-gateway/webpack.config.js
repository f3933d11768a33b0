// See tools/webpack-app.config.js: every service is built the same way.
module.exports = require('../../tools/webpack-app.config.js')(__dirname);

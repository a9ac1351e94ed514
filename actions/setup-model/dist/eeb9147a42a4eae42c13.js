module.exports = eval("require")("./serve/index.js");

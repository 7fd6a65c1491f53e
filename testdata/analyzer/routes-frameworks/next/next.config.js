module.exports = { basePath: "/bot" };

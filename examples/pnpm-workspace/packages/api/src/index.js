const { greet } = require("@shop/shared");

console.log(greet("shop"));

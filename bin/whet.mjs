#!/usr/bin/env node
console.log("hi from whet", process.argv.slice(2));

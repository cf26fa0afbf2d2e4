export * from "./errors.js";
export * from "./memory.js";
export * from "./schemas/common.js";
export * from "./schemas/space.js";
export * from "./schemas/exec.js";
export * from "./schemas/system.js";
export * from "./schemas/template.js";
export * from "./client.js";

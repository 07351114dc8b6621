// Public surface of the protocol package.
export * from "./frames.js";
export * from "./client-info.js";
export * from "./scopes.js";
export * from "./profile.js";
export * from "./methods.js";
export * from "./events.js";
export { lazyValidator, formatValidationErrors, type Validator } from "./validator.js";
export * from "./methods-agents.js";
export * from "./methods-devices.js";
export * from "./methods-channels.js";
export * from "./methods-cron.js";

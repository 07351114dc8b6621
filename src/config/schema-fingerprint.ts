// A fingerprint of the config schema the bundle was built with. The build (scripts/build.mjs)
// swaps this module for one holding the sha256 of the schema; source runs have none, which
// turns the validation cache off.
export const configSchemaFingerprint: string | undefined = undefined;

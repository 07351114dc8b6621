// The TypeBox builders this code base uses, imported by name. The bundles alias "@sinclair/typebox"
// to this module (scripts/build.mjs), so esbuild leaves out the rest of TypeBox (~70 of its ~90 KB,
// which the gateway otherwise parsed at every start). Source runs and the type checker use TypeBox
// itself; typebox-builders.test.ts fails when src/ uses a `Type.X` that is missing here.
import {
  Array as TypeArray,
  Boolean as TypeBoolean,
  Integer,
  Literal,
  Null,
  Number as TypeNumber,
  Object as TypeObject,
  Optional,
  Partial,
  Record,
  String as TypeString,
  Union,
  Unknown,
  Unsafe,
} from "@sinclair/typebox";

export const Type = {
  Array: TypeArray,
  Boolean: TypeBoolean,
  Integer,
  Literal,
  Null,
  Number: TypeNumber,
  Object: TypeObject,
  Optional,
  Partial,
  Record,
  String: TypeString,
  Union,
  Unknown,
  Unsafe,
};

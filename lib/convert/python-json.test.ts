import { describe, expect, it } from "vitest";
import { formatPyJson, parsePyJson, pythonFloatRepr } from "./python-json";

describe("Python json formatting", () => {
  it("prints floats as Python's repr (values checked against CPython 3.11)", () => {
    const cases: [number, string][] = [
      [1e-5, "1e-05"],
      [1e-4, "0.0001"],
      [0.1, "0.1"],
      [10000, "10000.0"],
      [1e16, "1e+16"],
      [1e15, "1000000000000000.0"],
      [2.5e-8, "2.5e-08"],
      [1.7976931348623157e308, "1.7976931348623157e+308"],
      [5e-324, "5e-324"],
      [1 / 3, "0.3333333333333333"],
      [-0.0001, "-0.0001"],
      [123.456, "123.456"],
    ];
    for (const [value, text] of cases) expect(pythonFloatRepr(value)).toBe(text);
  });

  it("round-trips a config the way json.dump(indent=4) writes it: ints stay ints, floats stay floats, ASCII escapes", () => {
    const text = '{"a": 1.0, "b": 1e-05, "c": [1, 2.5, {"x": "\\u00e9\\n"}], "big": 12345678901234567890, "n": NaN, "e": {}, "l": [], "t": true, "z": null}';
    expect(formatPyJson(parsePyJson(text))).toBe(
      [
        "{",
        '    "a": 1.0,',
        '    "b": 1e-05,',
        '    "c": [',
        "        1,",
        "        2.5,",
        "        {",
        '            "x": "\\u00e9\\n"',
        "        }",
        "    ],",
        '    "big": 12345678901234567890,',
        '    "n": NaN,',
        '    "e": {},',
        '    "l": [],',
        '    "t": true,',
        '    "z": null',
        "}",
      ].join("\n"),
    );
  });

  it("refuses malformed JSON with a typed error", () => {
    expect(() => parsePyJson('{"a": }', "config.json")).toThrowError(/config.json is not valid JSON/);
  });
});

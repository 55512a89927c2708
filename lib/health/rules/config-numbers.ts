import { configNumberProblems } from "../config-numbers";
import { listSome } from "../finding";
import type { Rule } from "./rule";

/** Every count in config.json is a whole number no real model exceeds (see CONFIG_LIMITS); anything else is a damaged file. */
export const configNumbers: Rule = (facts) => {
  if (facts.config.state !== "ok") return [];
  const problems = configNumberProblems(facts.config.value);
  const [first] = problems;
  if (!first) return [];
  const fields = problems.map((p) => p.field);
  return [
    {
      id: "config-number-invalid",
      severity: "blocks-loading",
      message: problems.length > 1 ? `${first.message} (and ${problems.length - 1} more number(s) out of bounds: ${listSome(fields.slice(1))}).` : `${first.message}.`,
      reason: `config.json has numbers out of bounds: ${listSome(fields)}`,
      evidence: { file: "config.json", field: first.field },
      repair: null,
      hint: "Copy config.json again from the original model repository.",
    },
  ];
};

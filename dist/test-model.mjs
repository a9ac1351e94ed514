import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  exportActionMetrics,
  metricsExportInput,
  servedModelSettings
} from "./chunk-QEEFCRRL.mjs";
import "./chunk-6QIH4PYN.mjs";
import {
  exitCodeFor,
  loadSuite,
  parseFailOn,
  testModel
} from "./chunk-Z2UA2QVK.mjs";
import {
  OpenAIClient
} from "./chunk-PTCBALH6.mjs";
import {
  annotate
} from "./chunk-YSHW3VXC.mjs";
import {
  publishInput,
  publishResults,
  reportPath
} from "./chunk-OECUWWD4.mjs";
import "./chunk-NXMSOHYS.mjs";
import {
  parsePinnedSource
} from "./chunk-4YHMV36A.mjs";
import {
  appendSummary
} from "./chunk-3IICKCHI.mjs";
import "./chunk-FYDH7VJB.mjs";
import {
  TestModel,
  actionInputs,
  info,
  optionalInput,
  runAction,
  setFailed,
  setOutputs
} from "./chunk-OKSVDTLS.mjs";
import "./chunk-JLHAMPB3.mjs";
import "./chunk-AYZFIZTY.mjs";
import {
  SettingError,
  boundedSetting,
  requiredSetting,
  withDeprecatedSpellings
} from "./chunk-SBSIPN6N.mjs";
import {
  BOUNDS
} from "./chunk-P47FFNDF.mjs";
import "./chunk-X6O7WWHG.mjs";
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/github/test-model.ts
import { mkdir, writeFile } from "node:fs/promises";
import path2 from "node:path";

// src/compat/reporters/annotations.ts
function annotations(results) {
  return results.cases.flatMap((c) => {
    if (c.status === "pass") return [];
    if (c.status === "error") {
      return [{ title: `compat: case ${c.id} errored`, message: c.error ?? "backend error", ...c.location }];
    }
    const failed = c.assertions.filter((a) => !a.pass);
    const first = failed[0];
    const message = failed.map((a) => {
      const sides = a.expected !== void 0 ? ` (expected ${JSON.stringify(a.expected)}, got ${JSON.stringify(a.actual ?? "")})` : "";
      return `${a.type}: ${a.reason}${sides}`;
    }).join("\n");
    return [{ title: `compat: case ${c.id} failed`, message, ...first ? first.location : c.location }];
  });
}
__name(annotations, "annotations");

// src/compat/reporters/diff.ts
function textDiff(expected, actual) {
  if (!expected.includes("\n") && !actual.includes("\n")) return inlineDiff(expected, actual);
  return lineDiff(expected.split("\n"), actual.split("\n"));
}
__name(textDiff, "textDiff");
function inlineDiff(expected, actual) {
  const left = JSON.stringify(expected);
  const right = JSON.stringify(actual);
  let at = 0;
  while (at < left.length && left[at] === right[at]) at++;
  return [`expected: ${left}`, `actual:   ${right}`, `${" ".repeat(10 + at)}^ first difference`];
}
__name(inlineDiff, "inlineDiff");
function lcsTable(expected, actual) {
  const rows = expected.length;
  const cols = actual.length;
  const lcs = Array.from({ length: rows + 1 }, () => new Array(cols + 1).fill(0));
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = cols - 1; j >= 0; j--) {
      const row = lcs[i];
      row[j] = expected[i] === actual[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  return lcs;
}
__name(lcsTable, "lcsTable");
function lineDiff(expected, actual) {
  const rows = expected.length;
  const cols = actual.length;
  const lcs = lcsTable(expected, actual);
  const out = ["--- expected", "+++ actual"];
  let i = 0;
  let j = 0;
  while (i < rows || j < cols) {
    if (i < rows && j < cols && expected[i] === actual[j]) {
      out.push(`  ${JSON.stringify(expected[i])}`);
      i++;
      j++;
    } else if (i < rows && (j >= cols || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      out.push(`- ${JSON.stringify(expected[i])}`);
      i++;
    } else {
      out.push(`+ ${JSON.stringify(actual[j])}`);
      j++;
    }
  }
  return out;
}
__name(lineDiff, "lineDiff");

// src/compat/reporters/console.ts
var ms = /* @__PURE__ */ __name((value) => value === void 0 ? "" : ` (${Math.round(value)} ms)`, "ms");
var percent = /* @__PURE__ */ __name((rate) => `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`, "percent");
function caseLine(result) {
  const label = { pass: "PASS ", fail: "FAIL ", error: "ERROR" }[result.status];
  const detail2 = result.status === "error" ? `: ${result.error}` : "";
  return `${label} ${result.id}${ms(result.timings.e2eMs)}${detail2}`;
}
__name(caseLine, "caseLine");
function failureDetails(result) {
  return result.assertions.filter((a) => !a.pass).flatMap(assertionDetails);
}
__name(failureDetails, "failureDetails");
function assertionDetails(assertion) {
  const head = `    x ${assertion.type}: ${assertion.reason}  [${assertion.location.file}:${assertion.location.line}]`;
  if (assertion.expected !== void 0 && assertion.actual !== void 0) {
    return [head, ...textDiff(assertion.expected, assertion.actual).map((line) => `      ${line}`)];
  }
  if (assertion.actual !== void 0) return [head, `      output: ${JSON.stringify(assertion.actual)}`];
  return [head];
}
__name(assertionDetails, "assertionDetails");
function summaryLine(summary) {
  return `${summary.passed} passed, ${summary.failed} failed, ${summary.errors} errors; pass rate ${percent(summary.passRate)} (threshold ${percent(summary.threshold)}): ${summary.verdict.toUpperCase()}`;
}
__name(summaryLine, "summaryLine");
function caseReport(result) {
  return [caseLine(result), ...failureDetails(result)];
}
__name(caseReport, "caseReport");

// src/compat/reporters/json.ts
function resultsJson(results) {
  return `${JSON.stringify(results, null, 2)}
`;
}
__name(resultsJson, "resultsJson");

// src/compat/reporters/junit.ts
function escapeXml(text) {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
__name(escapeXml, "escapeXml");
var seconds = /* @__PURE__ */ __name((ms2) => (ms2 / 1e3).toFixed(3), "seconds");
function testcase(suiteName, result) {
  const open = `    <testcase name="${escapeXml(result.id)}" classname="${escapeXml(suiteName)}" file="${escapeXml(result.location.file)}" line="${result.location.line}" time="${seconds(result.durationMs)}"`;
  if (result.status === "pass") return `${open}/>`;
  if (result.status === "error") {
    return `${open}>
      <error message="${escapeXml(result.error ?? "error")}"/>
    </testcase>`;
  }
  const failed = result.assertions.filter((a) => !a.pass);
  const message = failed.map((a) => `${a.type}: ${a.reason}`).join("; ");
  const body = failed.map((a) => {
    const sides = a.expected !== void 0 ? `
expected: ${a.expected}
actual:   ${a.actual ?? ""}` : "";
    return `${a.type} (${a.location.file}:${a.location.line}): ${a.reason}${sides}`;
  }).join("\n\n");
  return `${open}>
      <failure message="${escapeXml(message)}" type="assertion">${escapeXml(body)}</failure>
    </testcase>`;
}
__name(testcase, "testcase");
function junitXml(results) {
  const s = results.summary;
  const name = escapeXml(results.suite.name);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${name}" tests="${s.total}" failures="${s.failed}" errors="${s.errors}" time="${seconds(results.durationMs)}">`,
    `  <testsuite name="${name}" tests="${s.total}" failures="${s.failed}" errors="${s.errors}" skipped="0" time="${seconds(results.durationMs)}" timestamp="${results.startedAt}">`,
    "    <properties>",
    `      <property name="model" value="${escapeXml(results.model.name)}"/>`,
    ...results.model.digest ? [`      <property name="digest" value="${escapeXml(results.model.digest)}"/>`] : [],
    `      <property name="base-url" value="${escapeXml(results.backend.baseUrl)}"/>`,
    "    </properties>",
    ...results.cases.map((c) => testcase(results.suite.name, c)),
    "  </testsuite>",
    "</testsuites>",
    ""
  ].join("\n");
}
__name(junitXml, "junitXml");

// src/compat/reporters/markdown.ts
function cell(text, max = 120) {
  const short = [...text].length > max ? `${[...text].slice(0, max - 1).join("")}\u2026` : text;
  return short.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/\r?\n/g, "<br>").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "\uFFFD") || " ";
}
__name(cell, "cell");
var icon = { pass: "\u2705 pass", fail: "\u274C fail", error: "\u26A0\uFE0F error" };
function detail(result) {
  if (result.status === "error") return result.error ?? "";
  return result.assertions.filter((a) => !a.pass).map((a) => `${a.type}: ${a.reason}${a.expected === void 0 ? "" : ` (expected ${JSON.stringify(a.expected)})`}`).join("; ");
}
__name(detail, "detail");
function markdownSummary(results) {
  const s = results.summary;
  const digest = results.model.digest ? ` \`${results.model.digest}\`` : "";
  const lines = [
    `### Compatibility: ${results.suite.name} ${s.verdict === "pass" ? "\u2705 passed" : "\u274C failed"}`,
    "",
    `Model **${cell(results.model.name)}**${digest} at ${cell(results.backend.baseUrl)}: ${s.passed} passed, ${s.failed} failed, ${s.errors} errors; pass rate ${(s.passRate * 100).toFixed(1)}% (threshold ${(s.threshold * 100).toFixed(1)}%).`,
    "",
    "| Case | Result | Latency | Answer | Details |",
    "| --- | --- | ---: | --- | --- |",
    ...results.cases.map(
      (c) => `| ${cell(c.id)} | ${icon[c.status]} | ${c.timings.e2eMs === void 0 ? "" : `${Math.round(c.timings.e2eMs)} ms`} | ${cell(c.output, 80)} | ${cell(detail(c), 200)} |`
    )
  ];
  const comparison = results.comparison;
  if (comparison) {
    lines.push(
      "",
      `#### Differences against ${cell(comparison.model.name)} at ${cell(comparison.backend.baseUrl)}`,
      "",
      comparison.differences.length === 0 ? "Every case answered the same." : `| Case | ${cell(results.model.name)} | ${cell(comparison.model.name)} |`
    );
    if (comparison.differences.length > 0) {
      lines.push(
        "| --- | --- | --- |",
        ...comparison.differences.map((d) => `| ${cell(d.id)} | ${cell(d.primary)} | ${cell(d.other)} |`)
      );
    }
  }
  return `${lines.join("\n")}
`;
}
__name(markdownSummary, "markdownSummary");

// src/compat/test-request.ts
import path from "node:path";
function parseTestSettings(given, directory) {
  const source = withDeprecatedSpellings(given, [{ old: "compare-model", setting: "compare-model-id" }]);
  const file = /* @__PURE__ */ __name((setting) => {
    const value = source.value(setting);
    return value === void 0 ? void 0 : path.resolve(directory, value);
  }, "file");
  const failOn = source.value("fail-on");
  const threshold = failOn === void 0 ? void 0 : parseFailOn(failOn);
  if (failOn !== void 0 && threshold === void 0) {
    throw new SettingError(
      `${source.label("fail-on")} must be "any" or a pass rate from 0 to 1 (or 0% to 100%), got "${failOn}"`
    );
  }
  const { id, ref } = servedModelSettings(source, "", ["ref", "model-ref"]);
  const model = id ?? requiredSetting(source, "model-id");
  const compareBaseUrl = source.value("compare-base-url");
  const compareModel = source.value("compare-model-id");
  if (compareModel !== void 0 && compareBaseUrl === void 0) {
    throw new SettingError(`${source.label("compare-model-id")} needs ${source.label("compare-base-url")}`);
  }
  const digest = source.value("digest");
  const backend = source.value("backend");
  const baseline = file("baseline");
  const junit = file("junit");
  return {
    suite: requiredSetting(source, "suite"),
    baseUrl: requiredSetting(source, "base-url"),
    model,
    ...ref === void 0 ? {} : { reference: ref },
    ...digest === void 0 ? {} : { digest },
    ...backend === void 0 ? {} : { backend },
    ...baseline === void 0 ? {} : { baseline },
    ...compareBaseUrl === void 0 ? {} : { compare: { baseUrl: compareBaseUrl, model: compareModel ?? model } },
    ...threshold === void 0 ? {} : { threshold },
    concurrency: boundedSetting(source, "concurrency", BOUNDS.suiteConcurrency) ?? 1,
    ...junit === void 0 ? {} : { junit }
  };
}
__name(parseTestSettings, "parseTestSettings");

// src/github/test-model.ts
function getInputs(env = process.env) {
  const { inputs } = TestModel;
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const settings = parseTestSettings(actionInputs, workspace);
  const publish = publishInput(inputs, settings.reference);
  const digest = settings.digest ?? (publish && parsePinnedSource(publish.modelRef).digest);
  const metrics = metricsExportInput("test", env);
  const reference = publish?.modelRef ?? settings.reference;
  return {
    suite: path2.resolve(workspace, settings.suite),
    endpoint: {
      client: new OpenAIClient({ baseUrl: settings.baseUrl }),
      model: {
        name: settings.model,
        ...reference !== void 0 && { reference },
        ...digest && { digest }
      },
      ...settings.backend !== void 0 && { backend: settings.backend }
    },
    ...settings.compare && {
      compare: {
        client: new OpenAIClient({ baseUrl: settings.compare.baseUrl }),
        model: { name: settings.compare.model }
      }
    },
    ...settings.baseline !== void 0 && { baseline: settings.baseline },
    ...settings.threshold !== void 0 && { threshold: settings.threshold },
    concurrency: settings.concurrency,
    jsonPath: reportPath(optionalInput(inputs.json), "compat-results.json", env),
    reportPath: reportPath(void 0, "compat-report.md", env),
    ...settings.junit !== void 0 && { junitPath: settings.junit },
    ...publish && { publish },
    ...metrics && { metrics }
  };
}
__name(getInputs, "getInputs");
async function runTestModel(inputs) {
  const suite = await loadSuite(inputs.suite, path2.dirname(inputs.suite));
  const results = await testModel({
    suite,
    endpoint: inputs.endpoint,
    ...inputs.compare && { compare: inputs.compare },
    ...inputs.baseline !== void 0 && { baselinePath: inputs.baseline },
    ...inputs.threshold !== void 0 && { threshold: inputs.threshold },
    concurrency: inputs.concurrency,
    baselineHint: `the input "baseline" (golden outputs, recorded by the CLI's test --record)`,
    onCase: /* @__PURE__ */ __name((result) => info(caseReport(result).join("\n")), "onCase")
  });
  const json = resultsJson(results);
  const markdown = markdownSummary(results);
  await mkdir(path2.dirname(inputs.jsonPath), { recursive: true });
  await writeFile(inputs.jsonPath, json);
  await mkdir(path2.dirname(inputs.reportPath), { recursive: true });
  await writeFile(inputs.reportPath, markdown);
  if (inputs.junitPath) await writeFile(inputs.junitPath, junitXml(results));
  await appendSummary(markdown);
  annotate(annotations(results).map((a) => ({ ...a, file: workspaceRelative(a.file) })));
  if (inputs.publish) await publishResults(inputs.publish, "compat", json, results.summary.verdict === "pass");
  await exportActionMetrics({ kind: "compat", results }, inputs.metrics);
  return results;
}
__name(runTestModel, "runTestModel");
function workspaceRelative(file) {
  const workspace = process.env.GITHUB_WORKSPACE;
  if (!workspace) return file;
  const relative = path2.relative(workspace, file);
  return relative.startsWith("..") || path2.isAbsolute(relative) ? file : relative;
}
__name(workspaceRelative, "workspaceRelative");
async function testModelStep() {
  const inputs = getInputs();
  const results = await runTestModel(inputs);
  const { outputs } = TestModel;
  setOutputs({
    [outputs.verdict]: results.summary.verdict,
    [outputs.passed]: results.summary.passed,
    [outputs.failed]: results.summary.failed,
    [outputs.errors]: results.summary.errors,
    [outputs.resultsPath]: inputs.jsonPath,
    [outputs.reportPath]: inputs.reportPath
  });
  info(summaryLine(results.summary));
  if (exitCodeFor(results.summary) !== 0) setFailed(`compatibility suite: ${summaryLine(results.summary)}`);
}
__name(testModelStep, "testModelStep");
function run() {
  return runAction(testModelStep);
}
__name(run, "run");

// actions/test-model/main.ts
await run();

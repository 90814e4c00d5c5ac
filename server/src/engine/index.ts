/** The engine's public surface: what the CLI, the language server and the tests import. */
export * from './types';
export type { Rule, RuleMeta, RuleDocs, RuleContext, Report, Listeners, FileFacts } from './rule';
export { analyze, analyzeForest, analyzeTree, unanalysableReason, compareFindings, DEFAULT_MAX_FILE_SIZE } from './analyze';
export { initParser, createParser, parsePython, isParserReady, ParseTimeoutError, type WasmLocation } from './parser';
export { isRuleEnabled, effectiveSeverity, configuredSeverity, isKnownRuleKey, rulesForKey } from './config';
export { FAMILIES, familyOf } from './families';
export { DEFAULT_TEST_GLOBS, DEFAULT_TEST_INFRASTRUCTURE_GLOBS, isTestFilePath, matchesGlobs } from './roles';
export { parseSuppression } from './suppressions';
export { analyzeProject, changedSettings, importTarget, MAX_PROJECT_ROUNDS, projectSettings, ProjectIndex, type ProjectSettings } from './project';
export { analyzeConfigFile, configFileNames, projectTestFunctionNames, testFunctionNames } from './config-files';
